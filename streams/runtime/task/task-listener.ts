import type { ErrorStage } from '../errors/handlers.js';

/** Hooks a task calls as it works; the Kafka runner turns them into Prometheus metrics. */
export interface TaskListener {
  recordIn?(topic: string): void;
  recordOut?(topic: string): void;
  late?(step: string): void;
  /** A record went to the dead-letter topic: the runtime stage, the step, and its `error.reason` code. */
  deadLetter?(stage: ErrorStage, step: string | undefined, reason: string): void;
  /** A dead-letter or late record's payload was cut to fit Kafka. */
  truncated?(topic: string): void;
}
