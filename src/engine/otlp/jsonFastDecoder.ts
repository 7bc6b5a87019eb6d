/**
 * OTLP/JSON fast path: reads request bytes once with `JsonReader`, straight into spans — no parse
 * tree, field names matched as bytes, short strings shared through the string cache, hex ids
 * through id caches, and a yield every few hundred spans (so even the parsing is sliced). It gives
 * exactly what the general path (jsonDecoder.ts) gives; whatever it is unsure about (malformed or
 * unusual input: a wrong type, a duplicate field, an escape in an id…) throws `UNSUPPORTED` and the
 * general path decides, with its error messages.
 */
import type { Resource, Scope, Span, SpanBatch, SpanEvent, SpanLink } from '../model';
import { keyValues, optEnum, optNanosAsMicros } from './jsonFastValues';
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
  newSpan,
  toSpanKind,
  toStatusCode,
} from './spanBuilder';
import { HexTextCache, ID_NOT_HEX, ID_ZERO } from './strings';

const traceIds = new HexTextCache(32);
const spanIds = new HexTextCache(16);

// The fields each object is read for: `nextField` answers with the index in the list.
const REQUEST = new KeySet(['resourceSpans']);
const RESOURCE_SPANS = new KeySet(['scopeSpans', 'resource']);
const RESOURCE = new KeySet(['attributes']);
const SCOPE_SPANS = new KeySet(['spans', 'scope']);
const SCOPE = new KeySet(['name', 'version']);
const SPAN = new KeySet(['traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'events', 'links', 'status']);
const EVENT = new KeySet(['timeUnixNano', 'name', 'attributes']);
const LINK = new KeySet(['traceId', 'spanId', 'attributes']);
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
  const span = newSpan(resource, scope);
  let traceId = '';
  let spanId = '';
  let parent = '';
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
        span.startUs = optNanosAsMicros(r);
        break;
      case 6:
        span.endUs = optNanosAsMicros(r);
        break;
      case 7:
        keyValues(r, span.attributes, 0);
        break;
      case 8:
        r.arrayStart();
        while (r.nextItem()) {
          span.events.push(readEvent(r));
        }
        break;
      case 9:
        r.arrayStart();
        while (r.nextItem()) {
          const link = readLink(r);
          if (link !== undefined) {
            span.links.push(link);
          }
        }
        break;
      default:
        readStatus(r, span);
    }
  }
  const parentId = parent === '' || parent === ID_ZERO ? '' : validId(parent);
  return acceptSpan(span, validId(traceId), validId(spanId), parentId, tally);
}

function readEvent(r: JsonReader): SpanEvent {
  const event: SpanEvent = { name: '', timeUs: 0, attributes: {} };
  r.objectStart();
  for (let field = r.nextField(EVENT); field !== END; field = r.nextField(EVENT)) {
    if (field === 0) {
      event.timeUs = optNanosAsMicros(r);
    } else if (field === 1) {
      event.name = r.string();
    } else {
      keyValues(r, event.attributes, 0);
    }
  }
  return event;
}

/** A link with invalid ids is dropped (the span itself stays). */
function readLink(r: JsonReader): SpanLink | undefined {
  const link: SpanLink = { traceId: '', spanId: '', attributes: {} };
  let traceId = '';
  let spanId = '';
  r.objectStart();
  for (let field = r.nextField(LINK); field !== END; field = r.nextField(LINK)) {
    if (field === 0) {
      traceId = r.hexId(traceIds);
    } else if (field === 1) {
      spanId = r.hexId(spanIds);
    } else {
      keyValues(r, link.attributes, 0);
    }
  }
  if (!isValidId(traceId) || !isValidId(spanId)) {
    return undefined;
  }
  link.traceId = traceId;
  link.spanId = spanId;
  return link;
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

function isValidId(id: string): boolean {
  return id !== '' && id !== ID_ZERO && id !== ID_NOT_HEX;
}

function validId(id: string): string | undefined {
  return isValidId(id) ? id : undefined;
}
