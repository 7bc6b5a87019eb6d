/** Hand-made protobuf bytes for decoder edge cases (field order, unknown fields, bad lengths). */

export function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

export function tag(field: number, wireType: number): Buffer {
  return varint(field * 8 + wireType);
}

/** A length-delimited field: message, string or bytes. */
export function len(field: number, ...parts: (Buffer | string)[]): Buffer {
  const payload = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
  return Buffer.concat([tag(field, 2), varint(payload.length), payload]);
}

export function vint(field: number, n: number | bigint): Buffer {
  return Buffer.concat([tag(field, 0), varint(n)]);
}

export function fixed64(field: number, n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, n));
  return Buffer.concat([tag(field, 1), b]);
}

export function fixed32(field: number, n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return Buffer.concat([tag(field, 5), b]);
}

export function double(field: number, x: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return Buffer.concat([tag(field, 1), b]);
}

/** One field of every wire type with a number no OTLP message uses. */
export function unknownFields(): Buffer {
  return Buffer.concat([vint(900, 12345678901234n), fixed64(901, 7n), len(902, 'ignored', len(1, 'nested')), fixed32(903, 9)]);
}

/** Request → ResourceSpans → ScopeSpans(scope) → spans. */
export function request(resourceAttrs: Buffer[], scope: Buffer, spans: Buffer[]): Buffer {
  return len(1, len(1, ...resourceAttrs), len(2, len(1, scope), ...spans.map((s) => len(2, s))));
}

/** A KeyValue as field `field` of its owner (Resource 1, Span 9, Event 3, Link 4, KeyValueList 1). */
export function keyValue(field: number, key: string, anyValue: Buffer): Buffer {
  return len(field, len(1, key), len(2, anyValue));
}

export function stringValue(s: string): Buffer {
  return len(1, s);
}

/** Reads the code and message of a protobuf `google.rpc.Status` (test-side, independent reader). */
export function readStatus(buf: Buffer): { code: number; message: string; details: Buffer[] } {
  let pos = 0;
  const readVarint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) {
        return v;
      }
    }
  };
  const out = { code: 0, message: '', details: [] as Buffer[] };
  while (pos < buf.length) {
    const key = readVarint();
    if (key === 8) {
      out.code = readVarint();
    } else if (key === 18 || key === 26) {
      const n = readVarint();
      const bytes = buf.subarray(pos, pos + n);
      pos += n;
      if (key === 18) {
        out.message = bytes.toString('utf8');
      } else {
        out.details.push(bytes);
      }
    } else {
      throw new Error(`unexpected key ${key} in google.rpc.Status`);
    }
  }
  return out;
}
