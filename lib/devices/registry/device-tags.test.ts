import { describe, expect, it } from 'vitest';
import { registryTags } from './device-tags.js';

describe('registryTags', () => {
  it('tags, then model and firmware when known (they win over a tag of the same name); empty values left out', () => {
    expect(registryTags({ model: 'th-2', firmware: '', tags: { building: 'b1', model: 'x', owner: '' } })).toEqual({
      building: 'b1',
      model: 'th-2',
    });
    expect(registryTags({ model: '', firmware: '', tags: {} })).toEqual({});
  });
});
