import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../runtime/stack-env.js';
import { renderConfigDocs } from './docs.js';

describe('docs/CONFIG.md', () => {
  it('is up to date with the config schema (regenerate: ./bin/iotp config docs --write)', () => {
    const committed = readFileSync(join(repoRoot, 'docs', 'CONFIG.md'), 'utf8');
    expect(committed).toBe(renderConfigDocs());
  });

  it('has a row with type, default and env variable for every documented key', () => {
    const text = renderConfigDocs();
    expect(text).toContain(
      '| `kafka.topics.dlq` | string | `"telemetry.dlq"` | `IOTP_KAFKA__TOPICS__DLQ` | Dead-letter topic: undecodable or rejected records, bytes untouched. |',
    );
    expect(text).toContain('| `streams.windows[].grace` | duration | `"30s"` | `IOTP_STREAMS__WINDOWS__<i>__GRACE` |');
  });
});
