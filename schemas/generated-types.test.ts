import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/runtime/stack-env.js';
import { staleGeneratedFiles } from '../lib/serde/codegen-files.js';

describe('schemas/generated', () => {
  it('matches the .avsc files (regenerate: ./bin/iotp schemas codegen)', () => {
    expect(staleGeneratedFiles(join(repoRoot, 'schemas'))).toEqual([]);
  });
});
