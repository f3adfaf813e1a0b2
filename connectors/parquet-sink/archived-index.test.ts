import { describe, expect, it } from 'vitest';
import { ArchivedIndex } from './archived-index.js';
import { commitOffsetFor } from './commit-offset.js';

const f = (bucketDir: string, start: string, end: string) => ({
  bucketDir,
  file: { topic: 't', partition: 0, startOffset: start, endOffset: end },
});

describe('ArchivedIndex', () => {
  it('covers an offset only in a file of its own hour', () => {
    const index = ArchivedIndex.of([f('h8', '100', '150'), f('h9', '120', '200')], 100n);
    expect(index.covers('h8', 130n)).toBe(true);
    expect(index.covers('h9', 130n)).toBe(true);
    expect(index.covers('h8', 160n)).toBe(false);
    expect(index.covers('h10', 130n)).toBe(false);
  });
  it('keeps only files that end at or after the first offset read', () => {
    const index = ArchivedIndex.of([f('h8', '0', '99'), f('h8', '100', '150')], 100n);
    expect(index.size).toBe(1);
    expect(index.covers('h8', 50n)).toBe(false);
  });
});

describe('commitOffsetFor', () => {
  it('commits up to the first row still open, never backwards', () => {
    expect(commitOffsetFor({ processedNext: 120n, lowestOpen: 100n, committed: 90n })).toBe(100n);
    expect(commitOffsetFor({ processedNext: 120n, lowestOpen: undefined, committed: undefined })).toBe(120n);
    expect(commitOffsetFor({ processedNext: 120n, lowestOpen: undefined, committed: 120n })).toBeUndefined();
    expect(commitOffsetFor({ processedNext: 120n, lowestOpen: 90n, committed: 90n })).toBeUndefined();
  });
});
