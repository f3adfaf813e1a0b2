/**
 * Environment variables older releases read beside the YAML, now plain overrides of the config
 * keys they always meant (values in ms or counts, as before). An `IOTP_<SECTION>__<KEY>` variable
 * of the same key wins. They are listed in docs/CONFIG.md and in `config.source.overrides` with the
 * name to use instead, so nothing is read outside the validated config.
 */
export const LEGACY_ENV_KEYS: Readonly<Record<string, readonly string[]>> = {
  SINK_MAX_BUFFERED_POINTS: ['sink', 'maxBufferedPoints'],
  SINK_LAG_INTERVAL_MS: ['sink', 'lagInterval'],
  SINK_SHUTDOWN_FLUSH_MS: ['sink', 'shutdownFlush'],
  SINK_SESSION_TIMEOUT_MS: ['sink', 'sessionTimeout'],
  STREAMS_GUARANTEE: ['streams', 'processingGuarantee'],
  STREAMS_COMMIT_INTERVAL_MS: ['streams', 'commitInterval'],
  STREAMS_IDLE_TIMEOUT_MS: ['streams', 'idleTimeout'],
  STREAMS_SESSION_TIMEOUT_MS: ['streams', 'sessionTimeout'],
};
