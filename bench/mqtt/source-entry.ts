/**
 * `iotp connect mqtt-source --config <file> --replica <id> --metrics-port 0` without the CLI around
 * it (the CLI loads every command's module; a bench should not depend on them).
 *
 *   node --import tsx/loader bench/mqtt/source-entry.ts <config.yaml> <replica>
 */
import { runMqttSource } from '../../connectors/mqtt-source/run-mqtt-source.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';

const [configFile, replica] = process.argv.slice(2);
if (!configFile || !replica) throw new Error('usage: source-entry.ts <config.yaml> <replica>');
const handle = await runMqttSource({ configFile, env: loadStackEnv(), replica, metricsPort: 0 });
await handle.stopped;
