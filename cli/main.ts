import { Command } from 'commander';
import { registerArchiveCommands } from './archive.js';
import { registerBenchCommands } from './bench.js';
import { registerConfigCommands } from './config.js';
import { registerConnectCommands } from './connect.js';
import { registerDemoCommands } from './demo.js';
import { registerDevicesCommands } from './devices.js';
import { registerDlqCommands } from './dlq.js';
import { registerLagCommands } from './lag.js';
import { registerSchemasCommands } from './schemas.js';
import { registerSetupCommands } from './setup.js';
import { registerSimulateCommands } from './simulate.js';
import { registerSinkCommands } from './sink.js';
import { registerStackCommands } from './stack.js';
import { registerStreamsCommands } from './streams.js';

/**
 * `iotp`: one CLI for every process of the pipeline. Each component registers its subcommands
 * here (connect, streams, sink, schemas, simulate, lag, dlq, bench).
 */
export function buildCli(): Command {
  const program = new Command('iotp')
    .description('IoT telemetry pipeline: MQTT -> Avro Kafka -> streams -> InfluxDB')
    .showHelpAfterError()
    .enablePositionalOptions();
  registerStackCommands(program);
  registerConnectCommands(program);
  registerSchemasCommands(program);
  registerConfigCommands(program);
  registerSinkCommands(program);
  registerSimulateCommands(program);
  registerLagCommands(program);
  registerDlqCommands(program);
  registerSetupCommands(program);
  registerStreamsCommands(program);
  registerDemoCommands(program);
  registerDevicesCommands(program);
  registerBenchCommands(program);
  registerArchiveCommands(program);
  return program;
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  buildCli()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`iotp: ${message}\n`);
      process.exit(1);
    });
}
