import { type Command, Option } from 'commander';
import {
  type AddDeviceResult,
  addDevice,
  brokerNotice,
  type ChangeKind,
  type CredentialKind,
  type DevicePatch,
  type DeviceRecord,
  deviceSerdeFrom,
  flattenRecord,
  fleetSettingsFromEnv,
  formatDeviceTable,
  formatPlan,
  formatRegistryTable,
  importDeviceRecords,
  isEmptyPatch,
  joinListing,
  listDevices,
  parseDays,
  parseLimit,
  parseOverride,
  parseReason,
  parseSerial,
  parseTag,
  putDeviceRecord,
  REVOCATION_REASONS,
  type RegistryAccess,
  readDeviceIndex,
  readImportFile,
  readRegistrySnapshot,
  removeDeviceRecords,
  requireSetting,
  revokeDevices,
  rewriteCrl,
  validateDeviceId,
} from '../lib/devices/index.js';
import { ConfigError, IotpError } from '../lib/errors.js';
import { loadStackEnv } from '../lib/runtime/stack-env.js';
import { commandContext } from './command-context.js';

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

/** Options of `add` and `update` that change the registry record. */
interface RecordFlags {
  config?: string;
  site?: string;
  model?: string;
  firmware?: string;
  tag: string[];
  limit: string[];
  leaf: string[];
  removeLeaf: string[];
  detector: string[];
  clearDetector: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

function withRecordOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'pipeline YAML (default: IOTP_CONFIG or config/pipeline.yaml)')
    .option('--site <site>', 'site of the device')
    .option('--model <model>', 'hardware model')
    .option('--firmware <version>', 'firmware version')
    .option('--tag <k=v>', 'a tag the sink adds to its points (repeatable; k= removes it)', collect, [])
    .option(
      '--limit <field=min:max>',
      'limit of a field, e.g. temperature=-40:85 (repeatable; field= removes it)',
      collect,
      [],
    )
    .option('--leaf <pattern>', 'as a gateway: a leaf deviceId or pattern it may publish for (repeatable)', collect, [])
    .option('--remove-leaf <pattern>', 'take a leaf pattern away (repeatable)', collect, [])
    .option(
      '--detector <[field:]detector.setting=value>',
      'detector override, e.g. combined.enabled=false or temperature:outOfRange.enabled=false (repeatable)',
      collect,
      [],
    )
    .option(
      '--clear-detector <[field:]detector>',
      "drop the device's override of a detector (repeatable)",
      collect,
      [],
    );
}

function patchOf(flags: RecordFlags): DevicePatch {
  return {
    ...(flags.site !== undefined ? { site: flags.site } : {}),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.firmware !== undefined ? { firmware: flags.firmware } : {}),
    tags: flags.tag.map((t) => parseTag(t)),
    limits: flags.limit.map((l) => parseLimit(l)),
    addLeaves: flags.leaf,
    removeLeaves: flags.removeLeaf,
    overrides: flags.detector.map((d) => parseOverride(d)),
    clearOverrides: flags.clearDetector,
  };
}

/** The registry of the pipeline config: its topic, serde and a Kafka client; `run` names unreachable servers. */
function registryAccess(configFile: string | undefined) {
  const ctx = commandContext('devices', configFile);
  const access: RegistryAccess = { kafka: ctx.kafka('devices'), ...deviceSerdeFrom(ctx.config, ctx.registry()) };
  return { access, run: ctx.run };
}

function describeRecord(record: DeviceRecord): string[] {
  const fields = flattenRecord(record);
  return [
    `device ${record.deviceId}`,
    ...Object.entries(fields).map(([k, v]) => `  ${k.padEnd(24)} ${v}`),
    ...(record.updatedAt > 0 ? [`  ${'updatedAt'.padEnd(24)} ${new Date(record.updatedAt).toISOString()}`] : []),
  ];
}

/**
 * `iotp devices`: the device registry (`add|update|remove|show|list|import`: records on the
 * compacted registry topic, docs/DEVICES.md) and device credentials (`add --cert|--password`,
 * `revoke`, `crl`: a fleet-CA client certificate or a Mosquitto password, docs/MOSQUITTO.md).
 * `add` with registry options writes the record, with `--cert`/`--password` also a credential;
 * a bare `add <id>` issues a certificate as before the registry.
 */
export function registerDevicesCommands(program: Command): void {
  const devices = program
    .command('devices')
    .description('device identities: client certificates from the fleet CA, or passwords (docs/MOSQUITTO.md)');

  withRecordOptions(
    devices
      .command('add')
      .description(
        'register a device (registry record: --site, --model, --firmware, --tag, --limit, --leaf, --detector) and/or issue a credential (--cert, --password; a bare add issues a certificate)',
      )
      .argument('<deviceId>', 'the device id: its MQTT username and topic level (no + # / :)')
      .addOption(
        new Option('--cert', 'issue a client certificate (the default without registry options)').conflicts('password'),
      )
      .addOption(new Option('--password', "register a generated password in Mosquitto's password file instead")),
  )
    .option('--out <dir>', 'where to write cert.pem, key.pem, server-ca.pem (or password) (default: beside the index)')
    .option('--days <n>', 'certificate validity in days', '365')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        deviceId: string,
        opts: RecordFlags & { cert?: boolean; password?: boolean; out?: string; days: string; json?: boolean },
      ) => {
        validateDeviceId(deviceId);
        const patch = patchOf(opts);
        const register = !isEmptyPatch(patch);
        const result: Record<string, unknown> = {};
        if (register) {
          const { access, run } = registryAccess(opts.config);
          const change = await run(() => putDeviceRecord(access, deviceId, patch, 'add'));
          result.registry = change;
          if (!opts.json)
            out([`registered '${deviceId}' in ${access.topic}`, ...describeRecord(change.record).slice(1)].join('\n'));
        }
        if (opts.cert || opts.password || !register) {
          const settings = fleetSettingsFromEnv(loadStackEnv());
          const kind: CredentialKind = opts.password ? 'password' : 'certificate';
          const added = await addDevice(settings, deviceId, {
            kind,
            days: parseDays(opts.days),
            ...(opts.out ? { outDir: opts.out } : {}),
          });
          result.credential = added;
          if (!opts.json) out(describeAdded(added).join('\n'));
          if (added.kind === 'password') note(brokerNotice(added.broker, ['password-added']), Boolean(opts.json));
        }
        // Without registry options the JSON is the credential's alone, as before the registry.
        if (opts.json) out(JSON.stringify(register ? result : result.credential, null, 2));
      },
    );

  withRecordOptions(
    devices
      .command('update')
      .description("change a device's registry record: only the fields named change (tags and limits per key)")
      .argument('<deviceId>', 'the device id'),
  )
    .option('--dry-run', 'print the changes, write nothing')
    .option('--json', 'print the result as JSON')
    .action(async (deviceId: string, opts: RecordFlags & { dryRun?: boolean; json?: boolean }) => {
      const patch = patchOf(opts);
      if (isEmptyPatch(patch))
        throw new ConfigError('update', 'expected at least one field to change (--site, --tag, --limit, ...)');
      const { access, run } = registryAccess(opts.config);
      const change = await run(() =>
        putDeviceRecord(access, deviceId, patch, 'update', { dryRun: Boolean(opts.dryRun) }),
      );
      if (opts.json) {
        out(JSON.stringify(change, null, 2));
        return;
      }
      const lines = change.changes.map((c) =>
        c.kind === 'added'
          ? `  + ${c.field} = ${c.after}`
          : c.kind === 'removed'
            ? `  - ${c.field} (was ${c.before})`
            : `  ~ ${c.field}: ${c.before} -> ${c.after}`,
      );
      out(
        [`${change.written ? 'updated' : opts.dryRun ? 'would update' : 'unchanged:'} '${deviceId}'`, ...lines].join(
          '\n',
        ),
      );
    });

  devices
    .command('remove')
    .description('remove devices from the registry (a tombstone each); credentials stay until `iotp devices revoke`')
    .argument('<deviceId...>', 'device ids')
    .option('--config <file>', 'pipeline YAML')
    .option('--json', 'print the result as JSON')
    .action(async (ids: string[], opts: { config?: string; json?: boolean }) => {
      const { access, run } = registryAccess(opts.config);
      const result = await run(() => removeDeviceRecords(access, ids));
      if (opts.json) {
        out(JSON.stringify(result, null, 2));
        return;
      }
      out(
        [
          ...result.removed.map((id) => `removed '${id}' from the registry`),
          ...result.unknown.map((id) => `'${id}' is not in the registry`),
        ].join('\n'),
      );
      if (result.unknown.length > 0) process.exitCode = 1;
    });

  devices
    .command('show')
    .description("a device's registry record")
    .argument('<deviceId>', 'the device id')
    .option('--config <file>', 'pipeline YAML')
    .option('--json', 'print the record as JSON (the import format)')
    .action(async (deviceId: string, opts: { config?: string; json?: boolean }) => {
      const { access, run } = registryAccess(opts.config);
      const record = (await run(() => readRegistrySnapshot(access.kafka, access.topic, access.serde))).get(deviceId);
      if (!record) {
        process.stderr.write(`'${deviceId}' is not in the registry (${access.topic})\n`);
        process.exitCode = 1;
        return;
      }
      out(opts.json ? JSON.stringify(record, null, 2) : describeRecord(record).join('\n'));
    });

  devices
    .command('import')
    .description('make the registry match a CSV or JSON file: prints the diff, then writes it (unless --dry-run)')
    .argument(
      '<file>',
      'a .csv (columns deviceId,site,model,firmware,gatewayLeaves,tags,limits,detectors) or .json file',
    )
    .option('--config <file>', 'pipeline YAML')
    .option('--dry-run', 'print the diff, write nothing')
    .option('--prune', 'also remove the devices the file does not list')
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, opts: { config?: string; dryRun?: boolean; prune?: boolean; json?: boolean }) => {
      const wanted = readImportFile(file);
      const { access, run } = registryAccess(opts.config);
      const { plan, written } = await run(() =>
        importDeviceRecords(access, wanted, { dryRun: Boolean(opts.dryRun), prune: Boolean(opts.prune) }),
      );
      if (opts.json) {
        out(JSON.stringify({ plan, written, dryRun: Boolean(opts.dryRun) }, null, 2));
        return;
      }
      out(
        [
          ...formatPlan(plan),
          opts.dryRun ? 'dry run: nothing written' : `${written} record(s) written to ${access.topic}`,
        ].join('\n'),
      );
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
    .description('every device: its registry record (site, model, firmware, leaves, tags) and its credentials')
    .option('--config <file>', 'pipeline YAML')
    .option('--credentials', 'only the credential index (no Kafka): one line per credential, as before the registry')
    .option('--json', 'print the listing as JSON')
    .action(async (opts: { config?: string; credentials?: boolean; json?: boolean }) => {
      const settings = fleetSettingsFromEnv(loadStackEnv());
      const credentials = settings.index ? listDevices(readDeviceIndex(settings.index), new Date()) : { devices: [] };
      if (opts.credentials) {
        requireSetting(settings, 'index');
        out(opts.json ? JSON.stringify(credentials, null, 2) : formatDeviceTable(credentials));
        return;
      }
      const { access, run } = registryAccess(opts.config);
      const table = await run(() =>
        readRegistrySnapshot(access.kafka, access.topic, access.serde).catch((error: unknown) => {
          if (!(error instanceof IotpError && error.code === 'DEVICE_REGISTRY_TOPIC_MISSING')) throw error;
          process.stderr.write(`${error.message}: listing credentials only\n`);
          return new Map<string, DeviceRecord>();
        }),
      );
      const rows = joinListing(table, credentials);
      out(opts.json ? JSON.stringify({ devices: rows }, null, 2) : formatRegistryTable(rows));
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
