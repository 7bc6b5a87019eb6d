/**
 * What the analyzers read off one span: its code-object keys (span, endpoint, function — the forms of
 * shared/keys.ts), database statement, HTTP client target, kind category and exceptions.
 */
import type { AttrValue } from '../../shared/api';
import { endpointKey, normalizePath, normalizeSpanName } from '../../shared/keys';
import { endpointOf, functionOf, spanObjectOf } from '../aggregates/codeObjectKeys';
import * as sc from '../../shared/semconv';
import type { Span } from '../model';

export function attr(span: Span, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v: AttrValue | undefined = span.attributes[k];
    if (v !== undefined && v !== null && v !== '') {
      return String(v);
    }
  }
  return undefined;
}

/** `span:<service>:<scope>:<normalized name>` — the store's derivation, so both count the same objects. */
export function spanCodeObject(span: Span): string {
  return spanObjectOf(span).key;
}

/** `fn:<namespace>.<function>` from the old or new `code.*` attributes, when present (the store's derivation). */
export function functionCodeObject(span: Span): string | undefined {
  return functionOf(span)?.key;
}

function pathOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url);
  return m ? m[1] || '/' : url;
}

function hostOf(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(url);
  return m ? m[1] : undefined;
}

/**
 * The endpoint key of a span that starts a local trace segment (a SERVER or CONSUMER span):
 * RPC `service/method`, messaging destination, or `METHOD route` (route from `http.route`, else the
 * normalized target path, else the normalized span name).
 */
export function endpointCodeObject(span: Span): string {
  const known = endpointOf(span);
  if (known) {
    return known.key;
  }
  // A segment root without HTTP/RPC/messaging attributes: name the endpoint after the span.
  const name = normalizeSpanName(span.name, attr(span, sc.ATTR_HTTP_ROUTE));
  const m = /^([A-Z]+) (\S+)$/.exec(name);
  return m ? endpointKey(span.resource.serviceName, m[1], m[2]) : `endpoint:${span.resource.serviceName}:${name}`;
}

export function isSegmentRootKind(span: Span): boolean {
  return span.kind === sc.SpanKind.SERVER || span.kind === sc.SpanKind.CONSUMER;
}

export function dbSystem(span: Span): string | undefined {
  return attr(span, sc.ATTR_DB_SYSTEM, sc.ATTR_DB_SYSTEM_NAME);
}

export function dbStatement(span: Span): string | undefined {
  return attr(span, sc.ATTR_DB_QUERY_TEXT, sc.ATTR_DB_STATEMENT);
}

/**
 * A statement with its literals replaced by `?`: strings, numbers, hex and booleans; `IN (?, ?, …)`
 * lists collapse to `IN (?)`, `$1`/`:name` parameters become `?`, whitespace is collapsed.
 */
export function normalizeStatement(sql: string): string {
  let n = statementCache.get(sql);
  if (n === undefined) {
    n = normalizeStatementUncached(sql);
    // Applications send few distinct statement texts; a bounded cache saves the regexes per span.
    if (statementCache.size >= STATEMENT_CACHE_SIZE) {
      statementCache.clear();
    }
    statementCache.set(sql, n);
  }
  return n;
}

const STATEMENT_CACHE_SIZE = 10_000;
const statementCache = new Map<string, string>();

function normalizeStatementUncached(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/"(?:[^"\\]|\\.)*"(?=\s*(?:[=<>,)]|$))/g, '?')
    .replace(/\$\d+\b/g, '?')
    .replace(/(^|[^\w.])-?(?:0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)\b/gi, '$1?')
    .replace(/\b(?:true|false|null)\b/gi, '?')
    .replace(/(^|[\s(,=<>]):[A-Za-z_]\w*/g, '$1?')
    .replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)/g, '(?)')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `GET api.example.com /users/{id}` for an HTTP client span, else undefined. */
export function httpClientTarget(span: Span): string | undefined {
  if (span.kind !== sc.SpanKind.CLIENT) {
    return undefined;
  }
  const method = attr(span, sc.ATTR_HTTP_REQUEST_METHOD, sc.ATTR_HTTP_METHOD);
  if (!method) {
    return undefined;
  }
  const url = attr(span, sc.ATTR_URL_FULL, sc.ATTR_HTTP_URL);
  const host = attr(span, sc.ATTR_SERVER_ADDRESS, sc.ATTR_NET_PEER_NAME, sc.ATTR_HTTP_HOST) ?? (url ? hostOf(url) : undefined) ?? '';
  const path = attr(span, sc.ATTR_URL_PATH, sc.ATTR_HTTP_TARGET) ?? (url ? pathOf(url) : undefined) ?? '';
  return `${method.toUpperCase()} ${host} ${normalizePath(path)}`;
}

export type KindCategory = 'db' | 'http' | 'messaging' | 'internal';

export function kindCategory(span: Span): KindCategory {
  if (dbSystem(span)) {
    return 'db';
  }
  if (attr(span, sc.ATTR_MESSAGING_SYSTEM) || span.kind === sc.SpanKind.PRODUCER) {
    return 'messaging';
  }
  if (span.kind === sc.SpanKind.CLIENT && attr(span, sc.ATTR_HTTP_REQUEST_METHOD, sc.ATTR_HTTP_METHOD, sc.ATTR_URL_FULL, sc.ATTR_HTTP_URL)) {
    return 'http';
  }
  return 'internal';
}

export interface StackFrame {
  function?: string;
  file: string;
  line: number;
  column?: number;
}

export interface ExceptionFacts {
  type: string;
  message: string;
  escaped: boolean;
  frames: StackFrame[];
  timeUs: number;
}

/** Exceptions recorded on the span (`exception` events), or one for a bare ERROR status. */
export function exceptionsOf(span: Span): ExceptionFacts[] {
  const out: ExceptionFacts[] = [];
  for (const ev of span.events) {
    if (ev.name !== sc.EVENT_EXCEPTION) {
      continue;
    }
    const a = ev.attributes;
    const stack = a[sc.ATTR_EXCEPTION_STACKTRACE];
    out.push({
      type: String(a[sc.ATTR_EXCEPTION_TYPE] ?? 'Error'),
      message: String(a[sc.ATTR_EXCEPTION_MESSAGE] ?? ''),
      escaped: a[sc.ATTR_EXCEPTION_ESCAPED] === true || a[sc.ATTR_EXCEPTION_ESCAPED] === 'true',
      frames: typeof stack === 'string' ? parseStackFrames(stack) : [],
      timeUs: ev.timeUs,
    });
  }
  if (out.length === 0 && span.statusCode === sc.StatusCode.ERROR) {
    out.push({ type: span.statusMessage ? 'Error' : 'ERROR status', message: span.statusMessage ?? '', escaped: false, frames: [], timeUs: span.endUs });
  }
  return out;
}

const FRAME_PATTERNS: { re: RegExp; fn: number; file: number; line: number; col?: number }[] = [
  // JS: "    at fn (/path/file.js:10:5)" and "    at /path/file.js:10:5"
  { re: /^\s*at (?:(.+?) \()?((?:file:\/\/)?[^():]+(?::[^():]+)*?):(\d+):(\d+)\)?$/, fn: 1, file: 2, line: 3, col: 4 },
  // Python: '  File "/app/x.py", line 12, in handler'
  { re: /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?$/, fn: 3, file: 1, line: 2 },
  // Java: "	at com.x.Foo.bar(Foo.java:42)"
  { re: /^\s*at ([\w$.<>/]+)\(([^():]+):(\d+)\)$/, fn: 1, file: 2, line: 3 },
  // .NET: "   at NS.C.M() in /src/C.cs:line 42"
  { re: /^\s*at (.+?) in (.+):line (\d+)$/, fn: 1, file: 2, line: 3 },
  // Go: "	/src/main.go:42 +0x1d" (the function is on the line before)
  { re: /^\s*(\/[^\s:]+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/, fn: -1, file: 1, line: 2 },
];

/** Frames of a JS, Python, Java, .NET or Go stack trace, innermost first as the runtime prints them. */
export function parseStackFrames(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  const lines = stack.split(/\r?\n/);
  for (let i = 0; i < lines.length && frames.length < 50; i++) {
    for (const p of FRAME_PATTERNS) {
      const m = p.re.exec(lines[i]);
      if (!m) {
        continue;
      }
      const fn = p.fn === -1 ? lines[i - 1]?.trim().replace(/\(.*\)$/, '') : m[p.fn];
      frames.push({
        ...(fn ? { function: fn } : {}),
        file: m[p.file],
        line: Number(m[p.line]),
        ...(p.col && m[p.col] ? { column: Number(m[p.col]) } : {}),
      });
      break;
    }
  }
  return frames;
}
