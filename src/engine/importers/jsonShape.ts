/**
 * Typed reads of parsed JSON for the Jaeger and Zipkin importers: a value of the wrong shape
 * throws `DecodeError` naming the format and the path (`data[0].spans[3].startTime`).
 */
import type { AttrValue } from '../../shared/api';
import { DecodeError } from '../model';
import type { Resource, Scope, Span, SpanBatch } from '../model';
import { StatusCode } from '../../shared/semconv';
import { RejectTally, finishResource, newResource, newScope } from '../otlp/spanBuilder';

export type Json = Record<string, unknown>;

/** Spans per batch handed to the sink from one import (whole traces are kept together). */
export const IMPORT_BATCH_SPANS = 5000;

export class Shape {
  constructor(private readonly format: string) {}

  fail(path: string, reason: string): never {
    throw new DecodeError(`invalid ${this.format}: ${reason} at ${path}`);
  }

  obj(v: unknown, path: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(path, 'expected an object');
    }
    return v as Json;
  }

  /** An optional array (missing or null → empty). */
  arr(o: Json, key: string, path: string): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) {
      return [];
    }
    if (!Array.isArray(v)) {
      this.fail(`${path}.${key}`, 'expected an array');
    }
    return v;
  }

  /** An optional string (missing or null → ''). */
  str(o: Json, key: string, path: string): string {
    const v = o[key];
    if (v === undefined || v === null) {
      return '';
    }
    if (typeof v !== 'string') {
      this.fail(`${path}.${key}`, 'expected a string');
    }
    return v;
  }

  /** A number, or a decimal string; missing → `fallback` (or an error when none is given). */
  num(o: Json, key: string, path: string, fallback?: number): number {
    const v = o[key];
    if ((v === undefined || v === null) && fallback !== undefined) {
      return fallback;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) {
      this.fail(`${path}.${key}`, 'expected a number');
    }
    return n;
  }
}

/** Shares one Resource object per service (and its attributes) and one Scope per name/version. */
export class SharedObjects {
  private readonly scopes = new Map<string, Scope>();
  private readonly resources = new Map<string, Resource>();

  scope(name: string, version: string): Scope {
    const key = `${name}\u0000${version}`;
    let scope = this.scopes.get(key);
    if (scope === undefined) {
      scope = newScope(name, version);
      this.scopes.set(key, scope);
    }
    return scope;
  }

  resource(key: string, fill: (r: Resource) => void): Resource {
    let resource = this.resources.get(key);
    if (resource === undefined) {
      resource = newResource();
      fill(resource);
      finishResource(resource);
      this.resources.set(key, resource);
    }
    return resource;
  }
}

/** Tags the OpenTelemetry → Jaeger/Zipkin mappings add, read back into span fields. */
export const TAG_SPAN_KIND = 'span.kind';
export const TAG_STATUS_CODE = 'otel.status_code';
export const TAG_STATUS_DESCRIPTION = 'otel.status_description';
export const TAG_ERROR = 'error';
const SCOPE_NAME_TAGS = ['otel.scope.name', 'otel.library.name'];
const SCOPE_VERSION_TAGS = ['otel.scope.version', 'otel.library.version'];

const KINDS: Record<string, Span['kind']> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

export function kindFromName(name: unknown): Span['kind'] {
  return typeof name === 'string' ? (KINDS[name.toLowerCase()] ?? 0) : 0;
}

/**
 * Moves the mapping tags out of `attributes` into the span: `span.kind` → kind,
 * `otel.status_code` (or an `error` tag) → status, `otel.status_description` / the error text →
 * message, scope tags → scope.
 */
export function applyMappingTags(span: Span, shared: SharedObjects): void {
  const a = span.attributes;
  if (a[TAG_SPAN_KIND] !== undefined) {
    span.kind = kindFromName(a[TAG_SPAN_KIND]);
    delete a[TAG_SPAN_KIND];
  }
  const code = a[TAG_STATUS_CODE];
  const error = a[TAG_ERROR];
  if (code === 'ERROR' || (code === undefined && error !== undefined && error !== false && error !== 'false')) {
    span.statusCode = StatusCode.ERROR;
  } else if (code === 'OK') {
    span.statusCode = StatusCode.OK;
  }
  const description = a[TAG_STATUS_DESCRIPTION] ?? (typeof error === 'string' && error !== 'true' ? error : undefined);
  if (span.statusCode === StatusCode.ERROR && typeof description === 'string' && description !== '') {
    span.statusMessage = description;
  }
  delete a[TAG_STATUS_CODE];
  delete a[TAG_STATUS_DESCRIPTION];
  delete a[TAG_ERROR];
  const scopeName = takeFirst(a, SCOPE_NAME_TAGS);
  const scopeVersion = takeFirst(a, SCOPE_VERSION_TAGS);
  if (scopeName !== undefined || scopeVersion !== undefined) {
    span.scope = shared.scope(String(scopeName ?? ''), String(scopeVersion ?? ''));
  }
}

function takeFirst(a: Record<string, AttrValue>, keys: string[]): AttrValue | undefined {
  let found: AttrValue | undefined;
  for (const k of keys) {
    if (a[k] !== undefined) {
      found ??= a[k];
      delete a[k];
    }
  }
  return found;
}

/** Collects spans into batches of about IMPORT_BATCH_SPANS, cut only between traces. */
export class BatchCollector {
  readonly batches: SpanBatch[] = [];
  private spans: Span[] = [];
  private tally = new RejectTally();

  add(span: Span): void {
    this.spans.push(span);
  }

  reject(reason: string): void {
    this.tally.add(reason);
  }

  /** Call between traces: closes the current batch once it is large enough. */
  traceDone(): void {
    if (this.spans.length >= IMPORT_BATCH_SPANS) {
      this.flush();
    }
  }

  finish(): SpanBatch[] {
    if (this.spans.length > 0 || this.tally.count > 0 || this.batches.length === 0) {
      this.flush();
    }
    return this.batches;
  }

  private flush(): void {
    this.batches.push(this.tally.batch(this.spans));
    this.spans = [];
    this.tally = new RejectTally();
  }
}
