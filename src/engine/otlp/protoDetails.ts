/**
 * The parts of an OTLP Span message that are decoded only when read (see lazySpan.ts): attributes,
 * events and links. The decoder validates them when the request comes in (`validateEvent`,
 * `validateLink`, `scanKeyValue`); `decodeSpanDetails` decodes them from the kept bytes later.
 */
import type { Attributes } from '../../shared/api';
import type { SpanEvent, SpanLink } from '../model';
import { ProtoReader, endMessage, readTag } from './protoReader';
import { decodeKeyValue, validateKeyValue } from './protoValues';
import { HexIdCache } from './strings';

// Tags are (field number << 3) | wire type, named Message_field.
export const SPAN_ATTRIBUTES = 74;
export const SPAN_EVENTS = 90;
export const SPAN_LINKS = 106;
const EVENT_TIME = 9;
const EVENT_NAME = 18;
const EVENT_ATTRIBUTES = 26;
const LINK_TRACE_ID = 10;
const LINK_SPAN_ID = 18;
const LINK_ATTRIBUTES = 34;

export interface SpanDetails {
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
}

/** Attributes, events and links of the (validated) Span message at `buf[from, to)`. */
export function decodeSpanDetails(buf: Buffer, from: number, to: number): SpanDetails {
  const details: SpanDetails = { attributes: {}, events: [], links: [] };
  const r = new ProtoReader(buf);
  r.pos = from;
  while (r.pos < to) {
    const tag = readTag(r);
    if (tag === SPAN_ATTRIBUTES) {
      decodeKeyValue(r, r.lenEnd(to), details.attributes, 0);
    } else if (tag === SPAN_EVENTS) {
      details.events.push(decodeEvent(r, r.lenEnd(to)));
    } else if (tag === SPAN_LINKS) {
      const link = decodeLink(r, r.lenEnd(to));
      if (link !== undefined) {
        details.links.push(link);
      }
    } else {
      r.skip(tag & 7, to);
    }
  }
  return details;
}

function decodeEvent(r: ProtoReader, end: number): SpanEvent {
  const event: SpanEvent = { name: '', timeUs: 0, attributes: {} };
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === EVENT_ATTRIBUTES) {
      decodeKeyValue(r, r.lenEnd(end), event.attributes, 0);
    } else if (tag === EVENT_NAME) {
      event.name = r.string(end);
    } else if (tag === EVENT_TIME) {
      event.timeUs = r.fixed64Micros();
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
  return event;
}

/** A link with invalid ids is dropped (the span itself stays). */
function decodeLink(r: ProtoReader, end: number): SpanLink | undefined {
  const link: SpanLink = { traceId: '', spanId: '', attributes: {} };
  const buf = r.buf;
  let traceStart = 0;
  let traceLen = 0;
  let spanStart = 0;
  let spanLen = 0;
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === LINK_TRACE_ID) {
      traceLen = r.lenEnd(end) - r.pos;
      traceStart = r.pos;
      r.pos += traceLen;
    } else if (tag === LINK_SPAN_ID) {
      spanLen = r.lenEnd(end) - r.pos;
      spanStart = r.pos;
      r.pos += spanLen;
    } else if (tag === LINK_ATTRIBUTES) {
      decodeKeyValue(r, r.lenEnd(end), link.attributes, 0);
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
  if (!isValidId(buf, traceStart, traceLen, 16) || !isValidId(buf, spanStart, spanLen, 8)) {
    return undefined;
  }
  link.traceId = hex(buf, traceStart, 16);
  link.spanId = hex(buf, spanStart, 8);
  return link;
}

/** Checks an Event message as `decodeEvent` would read it, building nothing. */
export function validateEvent(r: ProtoReader, end: number): void {
  validateWithAttributes(r, end, EVENT_ATTRIBUTES);
}

/** Checks a Link message as `decodeLink` would read it, building nothing. */
export function validateLink(r: ProtoReader, end: number): void {
  validateWithAttributes(r, end, LINK_ATTRIBUTES);
}

function validateWithAttributes(r: ProtoReader, end: number, attributesTag: number): void {
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === attributesTag) {
      validateKeyValue(r, r.lenEnd(end), 0);
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
}

export function isZero(buf: Buffer, start: number, len: number): boolean {
  for (let i = start; i < start + len; i++) {
    if (buf[i] !== 0) {
      return false;
    }
  }
  return true;
}

export function isValidId(buf: Buffer, start: number, len: number, expected: number): boolean {
  return len === expected && !isZero(buf, start, len);
}

const traceIds = new HexIdCache(16);
const spanIds = new HexIdCache(8);

/** A 16-byte trace id or 8-byte span id as lower-case hex (recent ones shared). */
export function hex(buf: Buffer, start: number, len: number): string {
  return len === 16 ? traceIds.hex(buf, start) : spanIds.hex(buf, start);
}
