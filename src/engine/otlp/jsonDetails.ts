/**
 * The parts of an OTLP/JSON span that are decoded only when read (see lazySpan.ts): attributes,
 * events and links. The fast path checks them when the request comes in (`scanKeyValues`,
 * `readEvent` / `readLink` without building) and decodes the eager attributes only;
 * `LazyJsonSpan` decodes the rest from the request's bytes on first read.
 */
import type { Resource, Scope, SpanEvent, SpanLink } from '../model';
import { keyValues, optNanosAsMicros, scanKeyValues } from './jsonFastValues';
import { END, KeySet } from './jsonKeys';
import { JsonReader } from './jsonReader';
import { LazySpan } from './lazySpan';
import type { SpanDetails } from './protoDetails';
import { HexTextCache, ID_NOT_HEX, ID_ZERO } from './strings';

export const traceIds = new HexTextCache(32);
export const spanIds = new HexTextCache(16);

export const SPAN = new KeySet(['traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'events', 'links', 'status']);
export const SPAN_ATTRIBUTES = 7;
export const SPAN_EVENTS = 8;
export const SPAN_LINKS = 9;
const EVENT = new KeySet(['timeUnixNano', 'name', 'attributes']);
const LINK = new KeySet(['traceId', 'spanId', 'attributes']);

/** A span of the OTLP/JSON fast path: the span object starts at `from` in the request's bytes. */
export class LazyJsonSpan extends LazySpan {
  constructor(resource: Resource, scope: Scope, src: Buffer, from: number) {
    super(resource, scope, src, from, src.length);
  }

  protected override decodeDetails(src: Buffer): SpanDetails {
    const details: SpanDetails = { attributes: {}, events: [], links: [] };
    const r = new JsonReader(src, this.from);
    r.objectStart();
    for (let field = r.nextField(SPAN); field !== END; field = r.nextField(SPAN)) {
      if (field === SPAN_ATTRIBUTES) {
        keyValues(r, details.attributes, 0);
      } else if (field === SPAN_EVENTS) {
        readEvents(r, details.events);
      } else if (field === SPAN_LINKS) {
        readLinks(r, details.links);
      } else {
        r.skipValue();
      }
    }
    return details;
  }
}

/** The span's `events` array into `out`; with `out` undefined only checked. */
export function readEvents(r: JsonReader, out: SpanEvent[] | undefined): void {
  r.arrayStart();
  while (r.nextItem()) {
    const event: SpanEvent | undefined = out ? { name: '', timeUs: 0, attributes: {} } : undefined;
    r.objectStart();
    for (let field = r.nextField(EVENT); field !== END; field = r.nextField(EVENT)) {
      if (field === 0) {
        const timeUs = optNanosAsMicros(r);
        if (event) {
          event.timeUs = timeUs;
        }
      } else if (field === 1) {
        if (event) {
          event.name = r.string();
        } else {
          r.skipString();
        }
      } else if (event) {
        keyValues(r, event.attributes, 0);
      } else {
        scanKeyValues(r, undefined, false);
      }
    }
    if (event) {
      out!.push(event);
    }
  }
}

/** The span's `links` array into `out` (links with invalid ids are dropped); with `out` undefined only checked. */
export function readLinks(r: JsonReader, out: SpanLink[] | undefined): void {
  r.arrayStart();
  while (r.nextItem()) {
    const link: SpanLink | undefined = out ? { traceId: '', spanId: '', attributes: {} } : undefined;
    let traceId = '';
    let spanId = '';
    r.objectStart();
    for (let field = r.nextField(LINK); field !== END; field = r.nextField(LINK)) {
      if (field === 0) {
        traceId = r.hexId(traceIds);
      } else if (field === 1) {
        spanId = r.hexId(spanIds);
      } else if (link) {
        keyValues(r, link.attributes, 0);
      } else {
        scanKeyValues(r, undefined, false);
      }
    }
    if (link && isValidId(traceId) && isValidId(spanId)) {
      link.traceId = traceId;
      link.spanId = spanId;
      out!.push(link);
    }
  }
}

export function isValidId(id: string): boolean {
  return id !== '' && id !== ID_ZERO && id !== ID_NOT_HEX;
}
