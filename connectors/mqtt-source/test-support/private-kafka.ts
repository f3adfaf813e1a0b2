import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaClient } from '../../../lib/kafka/types.js';
import { freePort } from '../../../test/helpers/child-process.js';
import { kafkaClientOn as testKafka } from '../../../test/helpers/kafka.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * A private single-node Kafka (KRaft, the stack's own jars) for tests that must cut the path to
 * the broker: the shared broker cannot be touched. Its EXTERNAL listener is advertised at a TCP
 * proxy's port, so a client bootstrapped there reaches the broker only through the proxy (metadata
 * included); the INTERNAL listener is for the test's own checks.
 *
 * @example
 *   const k = await startPrivateKafka();
 *   const connectorKafka = testKafka(k.externalBrokers);  // goes through k.proxy
 *   k.proxy.cut(); ...; k.proxy.restore();
 */
export interface PrivateKafka {
  /** Through the proxy (for the component under test). */
  readonly externalBrokers: string;
  /** Direct (for the test's own checks). */
  readonly internalBrokers: string;
  readonly proxy: TcpProxy;
  /** A client on the internal listener. */
  readonly admin: KafkaClient;
  readonly logFile: string;
  stop(): Promise<void>;
}

export function kafkaLibs(): string {
  const cache = process.env.IOTP_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'iotp');
  const dir = join(cache, 'kafka', `libs-${process.env.KAFKA_VERSION ?? '4.3.1'}`);
  if (!existsSync(dir)) throw new Error(`Kafka jars not found in ${dir}: run 'make stack-install'`);
  return dir;
}

export async function startPrivateKafka(timeoutMs = 120_000): Promise<PrivateKafka> {
  const libs = `${kafkaLibs()}/*`;
  const dir = mkdtempSync(join(tmpdir(), 'iotp-private-kafka-'));
  const [internal, external, controller] = [await freePort(), await freePort(), await freePort()];
  const proxy = await startTcpProxy({ targetPort: external });
  const props = join(dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controller}`,
      `listeners=INTERNAL://127.0.0.1:${internal},EXTERNAL://127.0.0.1:${external},CONTROLLER://127.0.0.1:${controller}`,
      `advertised.listeners=INTERNAL://127.0.0.1:${internal},EXTERNAL://127.0.0.1:${proxy.port}`,
      'listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=INTERNAL',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=4',
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=4',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'delete.topic.enable=true',
      '',
    ].join('\n'),
  );
  const clusterId = kafkaClusterId();
  execFileSync('java', ['-Xmx256m', '-cp', libs, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props], {
    stdio: 'ignore',
  });
  const logFile = join(dir, 'kafka.log');
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    'java',
    [
      '-Xmx384m',
      '-Xms128m',
      '-XX:+UseSerialGC',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp',
      libs,
      'kafka.Kafka',
      props,
    ],
    { stdio: ['ignore', out, out] },
  );
  const admin = testKafka(`127.0.0.1:${internal}`, 'private-kafka-admin');
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const exited = new Promise((r) => child.once('exit', r));
      if ((await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)])) === false)
        child.kill('SIGKILL');
    }
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const a = admin.admin();
      await a.connect();
      await a.listTopics();
      await a.disconnect();
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
        await stop();
        throw new Error(`private Kafka did not start (${String(error)}):\n${tail}`);
      }
      await sleep(1000);
    }
  }
  return {
    externalBrokers: `127.0.0.1:${proxy.port}`,
    internalBrokers: `127.0.0.1:${internal}`,
    proxy,
    admin,
    logFile,
    stop,
  };
}

/**
 * A random KRaft cluster id (16 bytes, base64url), never starting with '-': StorageTool would read
 * `-t -WDKs...` as an option and fail (1 run in 64 failed so). Kafka's own Uuid.randomUuid() skips
 * those ids for the same reason.
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
