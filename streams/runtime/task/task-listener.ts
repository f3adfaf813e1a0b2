import type { ErrorStage } from '../errors/handlers.js';

/** Hooks a task calls as it works; the Kafka runner turns them into Prometheus metrics. */
export interface TaskListener {
  recordIn?(topic: string): void;
  recordOut?(topic: string): void;
  late?(step: string): void;
  deadLetter?(stage: ErrorStage, step: string | undefined): void;
  /** A dead-letter or late record's payload was cut to fit Kafka. */
  truncated?(topic: string): void;
}
