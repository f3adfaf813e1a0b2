import { type Command, Option } from 'commander';
import {
  type AddDeviceResult,
  addDevice,
  brokerNotice,
  type ChangeKind,
  type CredentialKind,
  fleetSettingsFromEnv,
  formatDeviceTable,
  listDevices,
  parseDays,
  parseReason,
  parseSerial,
  REVOCATION_REASONS,
  readDeviceIndex,
  requireSetting,
  revokeDevices,
  rewriteCrl,
} from '../lib/devices/index.js';
import { loadStackEnv } from '../lib/runtime/stack-env.js';

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const note = (lines: string[], json: boolean) => {
  if (lines.length > 0) (json ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
};

function describeAdded(r: AddDeviceResult): string[] {
  if (r.kind === 'password') {
    return [
      `password of '${r.deviceId}' set in ${r.passwdFile} (shown once; only its hash is kept):`,
      `  ${r.password}`,
      ...(r.passwordFile ? [`  also written to ${r.passwordFile}`] : []),
    ];
  }
  return [
    `issued certificate ${r.serial} for '${r.deviceId}' (CN=${r.deviceId}), valid until ${r.notAfter}`,
    `  certificate  ${r.certFile}`,
    `  private key  ${r.keyFile} (mode 0600: it belongs on the device only)`,
    ...(r.serverCaFile ? [`  server CA    ${r.serverCaFile} (to verify the broker)`] : []),
    ...(r.url ? [`  connect to   ${r.url}; publish under sensors/<site>/${r.deviceId}/...`] : []),
  ];
}

/**
 * `iotp devices add|revoke|list|crl`: device credentials (a fleet-CA client certificate or a
 * Mosquitto password). The device registry of issue 16 (site, model, firmware; update, remove,
 * show) is meant to grow in this same command: `add` takes the credential kind as a flag
 * (`--cert`, `--password`) so registry options can join it.
 */
export function registerDevicesCommands(program: Command): void {
  const devices = program
    .command('devices')
    .description('device identities: client certificates from the fleet CA, or passwords (docs/MOSQUITTO.md)');

  devices
    .command('add')
    .description('issue a client certificate (CN = deviceId, from the fleet CA) or register a password for a device')
    .argument('<deviceId>', 'the device id: its MQTT username and topic level (no + # / :)')
    .addOption(new Option('--cert', 'issue a client certificate (the default)').conflicts('password'))
    .addOption(new Option('--password', "register a generated password in Mosquitto's password file instead"))
    .option('--out <dir>', 'where to write cert.pem, key.pem, server-ca.pem (or password) (default: beside the index)')
    .option('--days <n>', 'certificate validity in days', '365')
    .option('--json', 'print the result as JSON')
    .action(async (deviceId: string, opts: { password?: boolean; out?: string; days: string; json?: boolean }) => {
      const settings = fleetSettingsFromEnv(loadStackEnv());
      const kind: CredentialKind = opts.password ? 'password' : 'certificate';
      const result = await addDevice(settings, deviceId, {
        kind,
        days: parseDays(opts.days),
        ...(opts.out ? { outDir: opts.out } : {}),
      });
      if (opts.json) out(JSON.stringify(result, null, 2));
      else out(describeAdded(result).join('\n'));
      if (result.kind === 'password') note(brokerNotice(result.broker, ['password-added']), Boolean(opts.json));
    });

  devices
    .command('revoke')
    .description("revoke devices' credentials: certificates go into the CRL, passwords leave the password file")
    .argument('<deviceId...>', 'device ids')
    .option('--cert', 'revoke certificates only')
    .option('--password', 'remove the password only')
    .option('--serial <hex>', 'revoke only the certificate with this serial (as iotp devices list shows it)')
    .option('--reason <reason>', `CRL reason: ${REVOCATION_REASONS.join(', ')}`)
    .option('--restart-mosquitto', "restart the local stack's Mosquitto: closes connections revoked certificates hold")
    .option('--json', 'print the result as JSON')
    .action(
      async (
        ids: string[],
        opts: {
          cert?: boolean;
          password?: boolean;
          serial?: string;
          reason?: string;
          restartMosquitto?: boolean;
          json?: boolean;
        },
      ) => {
        const settings = fleetSettingsFromEnv(loadStackEnv());
        const kinds: CredentialKind[] = [];
        if (opts.cert || opts.serial) kinds.push('certificate');
        if (opts.password) kinds.push('password');
        const result = await revokeDevices(settings, ids, {
          kinds,
          ...(opts.serial ? { serial: parseSerial(opts.serial) } : {}),
          ...(opts.reason ? { reason: parseReason(opts.reason) } : {}),
          ...(opts.restartMosquitto ? { restartMosquitto: true } : {}),
        });
        const changes: ChangeKind[] = [];
        if (result.crl) changes.push('certificate-revoked');
        if (result.revoked.some((r) => r.credential.kind === 'password')) changes.push('password-removed');
        if (opts.json) out(JSON.stringify(result, null, 2));
        else {
          const lines = result.revoked.map((r) =>
            r.credential.kind === 'certificate'
              ? `revoked certificate ${r.credential.serial} of '${r.deviceId}'`
              : `removed the password of '${r.deviceId}'`,
          );
          if (result.crl)
            lines.push(
              `CRL ${result.crl.file}: number ${result.crl.number}, ${result.crl.revoked} revoked, next update ${result.crl.nextUpdate.toISOString()}`,
            );
          out(lines.join('\n'));
        }
        note(brokerNotice(result.broker, changes, result.crl?.file), Boolean(opts.json));
      },
    );

  devices
    .command('list')
    .description('the devices of the index with each credential: kind, state, serial, expiry, revocation')
    .option('--json', 'print the listing as JSON')
    .action((opts: { json?: boolean }) => {
      const settings = fleetSettingsFromEnv(loadStackEnv());
      const listing = listDevices(readDeviceIndex(requireSetting(settings, 'index')), new Date());
      out(opts.json ? JSON.stringify(listing, null, 2) : formatDeviceTable(listing));
    });

  devices
    .command('crl')
    .description('write the CRL again from the index (renew it before its next update, or rebuild a lost one)')
    .option('--days <n>', 'CRL validity in days (default FLEET_CRL_DAYS or 3650)')
    .option('--restart-mosquitto', "restart the local stack's Mosquitto instead of SIGHUP")
    .option('--json', 'print the result as JSON')
    .action(async (opts: { days?: string; restartMosquitto?: boolean; json?: boolean }) => {
      const settings = fleetSettingsFromEnv(loadStackEnv());
      const result = await rewriteCrl(settings, {
        ...(opts.days ? { days: parseDays(opts.days) } : {}),
        ...(opts.restartMosquitto ? { restartMosquitto: true } : {}),
      });
      if (opts.json) out(JSON.stringify(result, null, 2));
      else
        out(
          `CRL ${result.crl.file}: number ${result.crl.number}, ${result.crl.revoked} revoked, next update ${result.crl.nextUpdate.toISOString()}`,
        );
      note(brokerNotice(result.broker, ['crl-rewritten'], result.crl.file), Boolean(opts.json));
    });
}
