/**
 * File import: OTLP JSON (one request, an array of requests, or NDJSON of requests as the
 * Collector's file exporter writes), Jaeger UI JSON, Zipkin v2 JSON and a binary OTLP protobuf
 * request — recognised from the content (the file name only breaks ties). Anything else gets a
 * `DecodeError` naming the line and byte offset where it goes wrong.
 */
import type { ImportFormat } from '../../shared/api';
import { DecodeError } from '../model';
import type { SpanBatch } from '../model';
import { parseJson, traceRequestJsonSteps } from '../otlp/jsonDecoder';
import { traceRequestProtoSteps } from '../otlp/protoDecoder';
import { runSliced, runSync } from '../otlp/slices';
import { importJaeger, isJaegerJson } from './jaeger';
import { importZipkin, isZipkinJson } from './zipkin';

export interface ImportOptions {
  format?: 'auto' | ImportFormat;
  /** Used to recognise binary protobuf (`.pb`, `.binpb`, `.protobuf`) and NDJSON (`.ndjson`, `.jsonl`). */
  fileName?: string;
}

export interface ImportResult {
  format: ImportFormat;
  batches: SpanBatch[];
}

const PROTOBUF_NAME = /\.(pb|binpb|protobuf)$/i;
const NDJSON_NAME = /\.(ndjson|jsonl)$/i;

/** Imports a whole file in one go (tests, small files). */
export function importTraces(content: Buffer | string, opts: ImportOptions = {}): ImportResult {
  return runSync(importSteps(content, opts));
}

/**
 * Same as `importTraces`, giving the event loop a turn every few milliseconds (between traces,
 * lines or a few hundred spans), so a large import does not stall the receivers. Parsing one
 * JSON document is still a single step.
 */
export function importTracesSliced(content: Buffer | string, opts: ImportOptions = {}): Promise<ImportResult> {
  return runSliced(importSteps(content, opts));
}

function* importSteps(content: Buffer | string, opts: ImportOptions): Generator<void, ImportResult> {
  const format = opts.format ?? 'auto';
  if (format === 'otlp-protobuf' || (format === 'auto' && typeof content !== 'string' && looksBinary(content, opts.fileName))) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
    return { format: 'otlp-protobuf', batches: [yield* traceRequestProtoSteps(bytes)] };
  }
  const text = stripBom(typeof content === 'string' ? content : content.toString('utf8'));
  if (format === 'otlp-json' && NDJSON_NAME.test(opts.fileName ?? '')) {
    return { format, batches: yield* importNdjson(text) };
  }
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (e) {
    // Several JSON documents, one per line: NDJSON of OTLP requests.
    if (format !== 'jaeger' && format !== 'zipkin' && looksLikeNdjson(text)) {
      return { format: 'otlp-json', batches: yield* importNdjson(text) };
    }
    throw e;
  }
  const detected = format === 'auto' ? detect(doc) : format;
  switch (detected) {
    case 'otlp-json':
      return { format: detected, batches: yield* otlpDocument(doc) };
    case 'jaeger':
      return { format: detected, batches: yield* importJaeger(doc) };
    case 'zipkin':
      return { format: detected, batches: yield* importZipkin(doc) };
    default:
      throw new DecodeError(
        'not a trace file SpanLens knows: expected OTLP JSON ({"resourceSpans": …}, or one request per line), ' +
          'Jaeger JSON ({"data": [{"traceID", "spans", "processes"}]}) or Zipkin v2 JSON ([{"traceId", "id", …}])',
        0,
      );
  }
}

function detect(doc: unknown): ImportFormat | undefined {
  if (isOtlpRequest(doc) || (Array.isArray(doc) && doc.length > 0 && doc.every(isOtlpRequest))) {
    return 'otlp-json';
  }
  if (isJaegerJson(doc)) {
    return 'jaeger';
  }
  if (isZipkinJson(doc)) {
    return 'zipkin';
  }
  return undefined;
}

function isOtlpRequest(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return false;
  }
  // Jaeger v2's /api/v3 answers wrap the request in `result`.
  return 'resourceSpans' in doc || isOtlpRequest((doc as { result?: unknown }).result);
}

/** One OTLP/JSON request, a `{ result: request }` wrapper, or an array of requests. */
function* otlpDocument(doc: unknown): Generator<void, SpanBatch[]> {
  const requests: unknown[] = Array.isArray(doc) ? doc : [doc];
  const batches: SpanBatch[] = [];
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    const request = typeof r === 'object' && r !== null && !('resourceSpans' in r) && 'result' in r ? (r as { result: unknown }).result : r;
    try {
      batches.push(yield* traceRequestJsonSteps(request));
    } catch (e) {
      throw Array.isArray(doc) && e instanceof DecodeError ? new DecodeError(`request [${i}]: ${e.message}`) : e;
    }
  }
  return batches;
}

/** One OTLP/JSON request per line; errors name the line and the byte offset in the file. */
function* importNdjson(text: string): Generator<void, SpanBatch[]> {
  const batches: SpanBatch[] = [];
  let start = 0;
  let byteOffset = 0;
  for (let line = 1; start < text.length; line++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const content = text.slice(start, end);
    if (content.trim() !== '') {
      try {
        batches.push(yield* traceRequestJsonSteps(parseJson(content, byteOffset)));
      } catch (e) {
        if (!(e instanceof DecodeError)) {
          throw e;
        }
        const reason = e.offset === undefined ? e.message : e.message.replace(/ \(at offset \d+\)$/, '');
        throw new DecodeError(`line ${line}: ${reason}`, e.offset ?? byteOffset);
      }
    }
    byteOffset += Buffer.byteLength(content) + 1;
    start = end + 1;
    yield;
  }
  return batches;
}

function looksLikeNdjson(text: string): boolean {
  const firstLine = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')).trim();
  if (firstLine === '' || firstLine[0] !== '{') {
    return false;
  }
  try {
    return isOtlpRequest(JSON.parse(firstLine));
  } catch {
    return false;
  }
}

/** Binary when named so, or when it does not start like JSON and holds control bytes. */
function looksBinary(content: Buffer, fileName: string | undefined): boolean {
  if (PROTOBUF_NAME.test(fileName ?? '')) {
    return true;
  }
  const head = content.subarray(0, 64);
  const first = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
  if (first === undefined || first === 0x7b || first === 0x5b) {
    return false;
  }
  return head.some((b) => b < 0x09 || (b > 0x0d && b < 0x20));
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
