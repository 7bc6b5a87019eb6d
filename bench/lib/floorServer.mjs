#!/usr/bin/env node
// The floor of OTLP/HTTP protobuf ingest in Node.js: the least work any engine that keeps SpanLens's
// promises must do per request, and nothing else. It receives the body over HTTP, makes it durable
// the way the engine does (appended to a journal file, group-committed with fdatasync, answered only
// then) and walks every span's fields once, writing ids (as offsets), times, kind and status into
// typed-array columns and noting which attribute keys start with `code.` — no objects, no strings,
// no aggregates, no trace assembly, no analyses. `bench/ingest.mjs` replays the same bodies to it as
// to the engine: spans per CPU-second of this process bound what a faster engine design could reach.
//   node bench/lib/floorServer.mjs DIR     prints "PORT n"; GET /spans answers the spans walked
import { fdatasync, openSync, write } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const CAP = 1 << 16;
const cols = {
  traceAt: new Int32Array(CAP),
  spanAt: new Int32Array(CAP),
  parentAt: new Int32Array(CAP),
  nameAt: new Int32Array(CAP),
  kind: new Uint8Array(CAP),
  startNs: new Float64Array(CAP),
  endNs: new Float64Array(CAP),
  status: new Uint8Array(CAP),
  codeAttrs: new Uint8Array(CAP),
};

/** Spans in one ExportTraceServiceRequest, their fields written into `cols`. */
function walk(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  let n = 0;
  const varint = () => {
    let b = buf[pos++];
    if (b < 128) {
      return b;
    }
    let v = b & 127;
    let shift = 7;
    do {
      b = buf[pos++];
      v += (b & 127) * 2 ** shift;
      shift += 7;
    } while (b >= 128);
    return v;
  };
  const skip = (tag) => {
    const wire = tag & 7;
    if (wire === 2) {
      const len = varint();
      pos += len;
    } else if (wire === 0) {
      varint();
    } else {
      pos += wire === 1 ? 8 : 4;
    }
  };
  // Only the tags of the fields read below: every other field is skipped by its wire type.
  const inside = (end, field, each) => {
    while (pos < end) {
      const tag = varint();
      if (tag === ((field << 3) | 2)) {
        const e = varint() + pos;
        each(e);
        pos = e;
      } else {
        skip(tag);
      }
    }
  };
  const span = (end) => {
    const i = n++ & (CAP - 1);
    let code = 0;
    cols.parentAt[i] = -1;
    while (pos < end) {
      const tag = varint();
      switch (tag) {
        case 0x0a: // trace_id
          cols.traceAt[i] = pos + 1;
          pos += buf[pos] + 1;
          break;
        case 0x12: // span_id
          cols.spanAt[i] = pos + 1;
          pos += buf[pos] + 1;
          break;
        case 0x22: // parent_span_id
          cols.parentAt[i] = buf[pos] ? pos + 1 : -1;
          pos += buf[pos] + 1;
          break;
        case 0x2a: // name
          cols.nameAt[i] = pos;
          pos = varint() + pos;
          break;
        case 0x30: // kind
          cols.kind[i] = varint();
          break;
        case 0x39: // start_time_unix_nano
          cols.startNs[i] = dv.getFloat64(pos, true);
          pos += 8;
          break;
        case 0x41: // end_time_unix_nano
          cols.endNs[i] = dv.getFloat64(pos, true);
          pos += 8;
          break;
        case 0x4a: {
          // attributes: a KeyValue whose key (field 1) starts with "code."
          const e = varint() + pos;
          if (buf[pos] === 0x0a && buf[pos + 2] === 0x63 && buf[pos + 6] === 0x2e) {
            code++;
          }
          pos = e;
          break;
        }
        case 0x7a: {
          // status: its code (field 3)
          const e = varint() + pos;
          cols.status[i] = e - pos >= 2 && buf[e - 2] === 0x18 ? buf[e - 1] : 0;
          pos = e;
          break;
        }
        default:
          skip(tag);
      }
    }
    cols.codeAttrs[i] = code;
  };
  inside(buf.length, 1, (rsEnd) => inside(rsEnd, 2, (ssEnd) => inside(ssEnd, 2, span)));
  return n;
}

const fd = openSync(join(process.argv[2], 'journal'), 'a');
let queue = [];
let writing = false;
/** Group commit: everything queued while the last fdatasync ran goes in one write + fdatasync. */
function commit() {
  if (writing || queue.length === 0) {
    return;
  }
  writing = true;
  const batch = queue;
  queue = [];
  const bytes = batch.length === 1 ? batch[0].body : Buffer.concat(batch.map((q) => q.body));
  write(fd, bytes, 0, bytes.length, null, (err) => {
    if (err) {
      throw err;
    }
    fdatasync(fd, (err2) => {
      if (err2) {
        throw err2;
      }
      writing = false;
      for (const q of batch) {
        q.done();
      }
      commit();
    });
  });
}

let spans = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.end(String(spans));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    queue.push({
      body,
      done: () => {
        spans += walk(body);
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      },
    });
    commit();
  });
});
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
