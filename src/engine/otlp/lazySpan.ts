/**
 * Spans of the protobuf decoder whose attributes, events and links stay bytes of the request until
 * first read. Ingest reads a handful of attributes per span (code-object keys: `code.*`, `http.*`,
 * `url.*`, `rpc.*`, `messaging.destination.name`); those are decoded up front into a short list.
 * Everything else is decoded from the span's bytes on first access of `attributes`, `events` or
 * `links` — only for traces the insights sample, exemplars and imports — so a buffered span is one
 * object instead of a graph of attribute dictionaries, events and links that lives for the trace's
 * idle time and gets promoted and traced by the old-generation GC.
 *
 * The bytes were fully validated by the decoder when the request came in (malformed input is
 * answered 400 then), so decoding them later cannot fail.
 */
import type { AttrValue, Attributes } from '../../shared/api';
import type { SpanKindValue, StatusCodeValue } from '../../shared/semconv';
import type { Resource, Scope, Span, SpanEvent, SpanLink } from '../model';
import type { SpanDetails } from './protoDetails';
import { decodeSpanDetails } from './protoDetails';
import { EAGER_KEYS } from './protoValues';

/**
 * A protobuf span (`from`, `to`: its Span message in `src`). Other formats extend it and override
 * `decodeDetails` (OTLP/JSON: jsonDetails.ts).
 */
export class LazySpan implements Span {
  traceId = '';
  spanId = '';
  parentSpanId: string | undefined = undefined;
  name = '';
  // Literals, not SpanKind.UNSPECIFIED / StatusCode.UNSET: no cross-module read per span when not bundled.
  kind: SpanKindValue = 0;
  startUs = 0;
  /**
   * `endUs - startUs`: a small integer held in the object, where a second time since the epoch
   * would be a boxed number allocated per span (`endUs` is computed from it).
   */
  durUs = 0;
  statusCode: StatusCodeValue = 0;
  statusMessage: string | undefined = undefined;
  /**
   * Eagerly decoded attributes (`EAGER_KEYS`) as key, value, key, value…; undefined when none; null
   * once `settle` dropped them (then read from the bytes like the others).
   */
  eager: AttrValue[] | undefined | null = undefined;
  private src: Buffer | undefined;
  private details: SpanDetails | undefined = undefined;

  constructor(
    readonly resource: Resource,
    readonly scope: Scope,
    src: Buffer,
    protected readonly from: number,
    protected readonly to: number,
  ) {
    this.src = src;
  }

  get endUs(): number {
    return this.startUs + this.durUs;
  }

  /** Keeps `startUs`: set the start first when setting both. */
  set endUs(value: number) {
    this.durUs = value - this.startUs;
  }

  /** One attribute; for `EAGER_KEYS` without decoding the others. */
  attribute(key: string): AttrValue | undefined {
    const e = this.eager;
    if (this.details === undefined && e !== null && EAGER_KEYS.has(key)) {
      if (e === undefined) {
        return undefined;
      }
      // Last one wins, as in the full decode.
      for (let i = e.length - 2; i >= 0; i -= 2) {
        if (e[i] === key) {
          return e[i + 1];
        }
      }
      return undefined;
    }
    return this.attributes[key];
  }

  /**
   * Ingest has read the code-object keys: the eager attributes are dropped, so the span that waits
   * for its trace to complete carries no array of them (they die young instead of being promoted
   * with the span); a later read decodes them from the bytes with the rest.
   */
  settle(): void {
    if (this.eager !== undefined) {
      this.eager = null;
    }
  }

  get attributes(): Attributes {
    return this.decoded().attributes;
  }

  set attributes(value: Attributes) {
    this.decoded().attributes = value;
  }

  get events(): SpanEvent[] {
    return this.decoded().events;
  }

  set events(value: SpanEvent[]) {
    this.decoded().events = value;
  }

  get links(): SpanLink[] {
    return this.decoded().links;
  }

  set links(value: SpanLink[]) {
    this.decoded().links = value;
  }

  /** Attributes, events and links from the request's bytes (validated when the request came in). */
  protected decodeDetails(src: Buffer): SpanDetails {
    return decodeSpanDetails(src, this.from, this.to);
  }

  private decoded(): SpanDetails {
    if (this.details === undefined) {
      this.details = this.decodeDetails(this.src!);
      // The request's bytes are no longer needed by this span.
      this.src = undefined;
      this.eager = undefined;
    }
    return this.details;
  }
}

/**
 * One attribute of any span: `span.attributes[key]`, without decoding all attributes of a lazily
 * decoded span when the key is one of `EAGER_KEYS`.
 */
export function spanAttribute(span: Span, key: string): AttrValue | undefined {
  return span instanceof LazySpan ? span.attribute(key) : span.attributes[key];
}

/** A span as a plain object with every field (tests, serialization). */
export function plainSpan(s: Span): Span {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: s.kind,
    startUs: s.startUs,
    endUs: s.endUs,
    statusCode: s.statusCode,
    statusMessage: s.statusMessage,
    attributes: s.attributes,
    events: s.events,
    links: s.links,
    resource: s.resource,
    scope: s.scope,
  };
}
