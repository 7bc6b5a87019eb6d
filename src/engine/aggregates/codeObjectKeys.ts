/**
 * Which code objects a span counts for (see shared/keys.ts), in this order: always its span code
 * object (`spanObjectOf`, cached per name by the store's registry); an
 * endpoint when it is a SERVER/CONSUMER span starting a local segment (old and new HTTP conventions,
 * RPC, messaging); a function when it carries code.* attributes (old `code.namespace`+`code.function`
 * or new `code.function.name`, which may be fully qualified), keeping file and line.
 */
import type { AttrValue, CodeLocation } from '../../shared/api';
import type { CodeObjectKind } from '../../shared/keys';
import { consumerKey, endpointKey, functionKey, normalizePath, normalizeSpanName, rpcKey, spanKey } from '../../shared/keys';
import * as sc from '../../shared/semconv';
import type { Span } from '../model';
import { spanAttribute } from '../otlp/lazySpan';
import { pushTo } from '../../shared/collections';

export interface CodeObjectRef {
  key: string;
  kind: CodeObjectKind;
  service: string;
  scope?: string;
  name: string;
  code?: CodeLocation;
}

function str(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function int(v: AttrValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return Math.trunc(v);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    return Number(v);
  }
  return undefined;
}

function pathOf(span: Span): string | undefined {
  const p = str(spanAttribute(span, sc.ATTR_URL_PATH)) ?? str(spanAttribute(span, sc.ATTR_HTTP_TARGET));
  if (p) {
    return p;
  }
  const url = str(spanAttribute(span, sc.ATTR_URL_FULL)) ?? str(spanAttribute(span, sc.ATTR_HTTP_URL));
  if (url) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url);
    return m?.[1] || '/';
  }
  return undefined;
}

/** The endpoint a segment-starting SERVER/CONSUMER span stands for, if any. */
export function endpointOf(span: Span): CodeObjectRef | undefined {
  const service = span.resource.serviceName;
  if (span.kind === sc.SpanKind.SERVER) {
    const method = str(spanAttribute(span, sc.ATTR_HTTP_REQUEST_METHOD)) ?? str(spanAttribute(span, sc.ATTR_HTTP_METHOD));
    if (method) {
      const route = str(spanAttribute(span, sc.ATTR_HTTP_ROUTE)) ?? normalizePath(pathOf(span) ?? '/');
      const upper = method.toUpperCase();
      return { key: endpointKey(service, upper, route), kind: 'endpoint', service, name: `${upper} ${route}` };
    }
    const rpcService = str(spanAttribute(span, sc.ATTR_RPC_SERVICE));
    const rpcMethod = str(spanAttribute(span, sc.ATTR_RPC_METHOD));
    if (rpcService && rpcMethod) {
      return { key: rpcKey(service, rpcService, rpcMethod), kind: 'endpoint', service, name: `${rpcService}/${rpcMethod}` };
    }
    return undefined;
  }
  if (span.kind === sc.SpanKind.CONSUMER) {
    const dest = str(spanAttribute(span, sc.ATTR_MESSAGING_DESTINATION_NAME));
    if (dest) {
      return { key: consumerKey(service, dest), kind: 'endpoint', service, name: dest };
    }
  }
  return undefined;
}

/** The name of the function a span was recorded in (`code.function.name`, or the old `code.function`). */
export function functionNameOf(span: Span): string | undefined {
  return str(spanAttribute(span, sc.ATTR_CODE_FUNCTION_NAME)) ?? str(spanAttribute(span, sc.ATTR_CODE_FUNCTION));
}

/** The function a span was recorded in, from its code.* attributes. */
export function functionOf(span: Span): CodeObjectRef | undefined {
  const fn = functionNameOf(span);
  if (!fn) {
    return undefined;
  }
  const namespace = str(spanAttribute(span, sc.ATTR_CODE_NAMESPACE));
  // The new convention's name is usually fully qualified already; don't prefix it twice.
  const ns = namespace && !fn.startsWith(`${namespace}.`) ? namespace : undefined;
  const key = functionKey(ns, fn);
  const code: CodeLocation = { function: fn };
  if (ns) {
    code.namespace = ns;
  }
  const file = str(spanAttribute(span, sc.ATTR_CODE_FILE_PATH)) ?? str(spanAttribute(span, sc.ATTR_CODE_FILEPATH));
  if (file) {
    code.filepath = file;
  }
  const line = int(spanAttribute(span, sc.ATTR_CODE_LINE_NUMBER)) ?? int(spanAttribute(span, sc.ATTR_CODE_LINENO));
  if (line !== undefined) {
    code.lineno = line;
  }
  return { key, kind: 'function', service: span.resource.serviceName, name: key.slice(3), code };
}

export function spanObjectOf(span: Span): CodeObjectRef {
  const service = span.resource.serviceName;
  const name = normalizeSpanName(span.name, str(spanAttribute(span, sc.ATTR_HTTP_ROUTE)));
  return { key: spanKey(service, span.scope.name, name), kind: 'span', service, scope: span.scope.name, name };
}

/**
 * For each span of a batch, whether it starts a local segment: SERVER/CONSUMER spans whose parent
 * is absent from the batch or belongs to another service.
 */
export function segmentStarts(spans: Span[]): boolean[] {
  const starts = new Array<boolean>(spans.length).fill(false);
  // Entry spans with a parent id, by that id: their parent is looked for in one pass over the batch.
  let waiting: Map<string, number[]> | undefined;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    if (s.kind !== sc.SpanKind.SERVER && s.kind !== sc.SpanKind.CONSUMER) {
      continue;
    }
    starts[i] = true;
    if (s.parentSpanId) {
      waiting ??= new Map();
      pushTo(waiting, s.parentSpanId, i);
    }
  }
  if (waiting) {
    // The last span with the parent's id is the parent (as in a map of the batch by id).
    const parentOf = new Map<string, Span>();
    for (const p of spans) {
      if (waiting.has(p.spanId)) {
        parentOf.set(p.spanId, p);
      }
    }
    for (const [id, list] of waiting) {
      const parent = parentOf.get(id);
      if (parent === undefined || parent.kind === sc.SpanKind.CLIENT || parent.kind === sc.SpanKind.PRODUCER) {
        continue;
      }
      for (const i of list) {
        starts[i] = parent.resource.serviceName !== spans[i].resource.serviceName;
      }
    }
  }
  return starts;
}
