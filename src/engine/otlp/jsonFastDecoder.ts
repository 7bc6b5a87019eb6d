/**
 * OTLP/JSON fast path: reads request bytes once with `JsonReader`, straight into spans — no parse
 * tree, field names matched as bytes, short strings shared through the string cache, hex ids
 * through id caches, and a yield every few hundred spans (so even the parsing is sliced). Attributes,
 * events and links are checked but stay bytes of the request until read (jsonDetails.ts), except
 * the values of the code-object keys that ingest reads at once (`EAGER_KEYS`). It gives
 * exactly what the general path (jsonDecoder.ts) gives; whatever it is unsure about (malformed or
 * unusual input: a wrong type, a duplicate field, an escape in an id…) throws `UNSUPPORTED` and the
 * general path decides, with its error messages.
 */
import type { Resource, Scope, Span, SpanBatch } from '../model';
import { LazyJsonSpan, SPAN, SPAN_ATTRIBUTES, SPAN_EVENTS, SPAN_LINKS, isValidId, readEvents, readLinks, spanIds, traceIds } from './jsonDetails';
import { keyValues, optEnum, optNanosAsMicros, scanKeyValues } from './jsonFastValues';
import { END, KeySet } from './jsonKeys';
import { JsonReader } from './jsonReader';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from './jsonValues';
import { atYieldPoint } from './slices';
import {
  RejectTally,
  acceptSpan,
  finishResource,
  newResource,
  newScope,
  toSpanKind,
  toStatusCode,
} from './spanBuilder';
import { ID_ZERO } from './strings';

// The fields each object is read for: `nextField` answers with the index in the list.
const REQUEST = new KeySet(['resourceSpans']);
const RESOURCE_SPANS = new KeySet(['scopeSpans', 'resource']);
const RESOURCE = new KeySet(['attributes']);
const SCOPE_SPANS = new KeySet(['spans', 'scope']);
const SCOPE = new KeySet(['name', 'version']);
const STATUS = new KeySet(['code', 'message']);

/** Decodes request bytes as steps (see slices.ts); throws `UNSUPPORTED` where the general path must decide. */
export function* traceRequestJsonFastSteps(body: Buffer): Generator<void, SpanBatch> {
  const r = new JsonReader(body);
  const spans: Span[] = [];
  const tally = new RejectTally();
  r.objectStart();
  while (r.nextField(REQUEST) !== END) {
    r.arrayStart();
    while (r.nextItem()) {
      yield* resourceSpans(r, spans, tally);
    }
  }
  r.finish();
  return tally.batch(spans);
}

function* resourceSpans(r: JsonReader, spans: Span[], tally: RejectTally): Generator<void, void> {
  const resource = newResource();
  r.objectStart();
  for (let field = r.nextField(RESOURCE_SPANS); field !== END; field = r.nextField(RESOURCE_SPANS)) {
    if (field === 0) {
      r.arrayStart();
      while (r.nextItem()) {
        yield* scopeSpans(r, resource, spans, tally);
      }
    } else {
      r.objectStart();
      while (r.nextField(RESOURCE) !== END) {
        keyValues(r, resource.attributes, 0);
      }
    }
  }
  finishResource(resource);
}

function* scopeSpans(r: JsonReader, resource: Resource, spans: Span[], tally: RejectTally): Generator<void, void> {
  // The scope may come after its spans: they share this object, filled in place.
  const scope = newScope();
  r.objectStart();
  for (let field = r.nextField(SCOPE_SPANS); field !== END; field = r.nextField(SCOPE_SPANS)) {
    if (field === 0) {
      r.arrayStart();
      while (r.nextItem()) {
        const span = readSpan(r, resource, scope, tally);
        if (span !== undefined) {
          spans.push(span);
        }
        if (atYieldPoint(spans.length, tally.count)) {
          yield;
        }
      }
    } else {
      readScope(r, scope);
    }
  }
}

function readScope(r: JsonReader, scope: Scope): void {
  r.objectStart();
  for (let field = r.nextField(SCOPE); field !== END; field = r.nextField(SCOPE)) {
    if (field === 0) {
      scope.name = r.string();
    } else {
      const version = r.string();
      scope.version = version === '' ? undefined : version;
    }
  }
}

function readSpan(r: JsonReader, resource: Resource, scope: Scope, tally: RejectTally): Span | undefined {
  r.peek();
  const span = new LazyJsonSpan(resource, scope, r.buf, r.pos);
  let traceId = '';
  let spanId = '';
  let parent = '';
  // Set together at the end (the span keeps start and duration): the fields come in any order.
  let startUs = 0;
  let endUs = 0;
  r.objectStart();
  for (let field = r.nextField(SPAN); field !== END; field = r.nextField(SPAN)) {
    switch (field) {
      case 0:
        traceId = r.hexId(traceIds);
        break;
      case 1:
        spanId = r.hexId(spanIds);
        break;
      case 2:
        parent = r.hexId(spanIds);
        break;
      case 3:
        span.name = r.string();
        break;
      case 4:
        span.kind = toSpanKind(optEnum(r, SPAN_KIND_NAMES));
        break;
      case 5:
        startUs = optNanosAsMicros(r);
        break;
      case 6:
        endUs = optNanosAsMicros(r);
        break;
      case SPAN_ATTRIBUTES:
        span.eager = scanKeyValues(r, span.eager ?? undefined, true);
        break;
      case SPAN_EVENTS:
        readEvents(r, undefined);
        break;
      case SPAN_LINKS:
        readLinks(r, undefined);
        break;
      default:
        readStatus(r, span);
    }
  }
  span.startUs = startUs;
  span.endUs = endUs;
  const parentId = parent === '' || parent === ID_ZERO ? '' : validId(parent);
  return acceptSpan(span, validId(traceId), validId(spanId), parentId, tally);
}

function readStatus(r: JsonReader, span: Span): void {
  r.objectStart();
  for (let field = r.nextField(STATUS); field !== END; field = r.nextField(STATUS)) {
    if (field === 0) {
      span.statusCode = toStatusCode(optEnum(r, STATUS_CODE_NAMES));
    } else {
      const message = r.string();
      span.statusMessage = message === '' ? undefined : message;
    }
  }
}

function validId(id: string): string | undefined {
  return isValidId(id) ? id : undefined;
}
