import * as assert from 'node:assert/strict';
import { HexIdCache, utf8 } from '../../../src/engine/otlp/strings';

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

describe('protobuf reader caches', () => {
  it('decodes strings exactly whatever the cache holds (collisions, same lengths, non-ASCII)', () => {
    const rand = rng(11);
    const alphabet = 'abcdefghijklmnopqrstuvwxyz./_-0123456789ABCDEFé✓中';
    const strings: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const len = 1 + Math.floor(rand() * 60);
      let s = '';
      for (let j = 0; j < len; j++) {
        // mostly ASCII, sometimes multi-byte characters
        s += alphabet[Math.floor(rand() * (rand() < 0.9 ? alphabet.length - 3 : alphabet.length))];
      }
      strings.push(s, s.slice(0, -1) + 'x', s);
    }
    const buf = Buffer.concat(strings.map((s) => Buffer.from(s, 'utf8')));
    for (let round = 0; round < 3; round++) {
      let pos = 0;
      for (const s of strings) {
        const n = Buffer.byteLength(s);
        assert.equal(utf8(buf, pos, pos + n), s);
        pos += n;
      }
    }
  });

  it('hex-encodes ids exactly, also when they share their first bytes', () => {
    const rand = rng(5);
    const cache = new HexIdCache(8, 16);
    const ids: Buffer[] = [];
    for (let i = 0; i < 2000; i++) {
      const id = Buffer.alloc(8);
      for (let j = 0; j < 8; j++) {
        id[j] = j < 2 ? i % 3 : Math.floor(rand() * 256);
      }
      ids.push(id, id);
    }
    const buf = Buffer.concat(ids);
    for (let i = 0; i < ids.length; i++) {
      assert.equal(cache.hex(buf, i * 8), ids[i].toString('hex'));
    }
  });
});
