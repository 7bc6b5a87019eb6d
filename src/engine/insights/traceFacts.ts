/**
 * Everything the pattern analyzers need from one assembled trace, derived once when the trace is
 * observed: per endpoint segment (repeats, DB count, time shares, breakdown, producer), executions
 * per code object, DB statement timings, caller flows, exceptions and producer spans. Pure: the same
 * spans in any order give the same facts, so re-observing a trace with a superset of spans replaces
 * its facts instead of adding to them.
 */
import { SpanKind, StatusCode } from '../../shared/semconv';
import { unionLength } from '../intervals';
import type { AssembledTrace, Span } from '../model';
import type { RepeatFact, SegmentFacts, TraceFacts } from './traceFactTypes';
import {
  attr,
  dbStatement,
  dbSystem,
  endpointCodeObject,
  exceptionsOf,
  functionCodeObject,
  httpClientTarget,
  isSegmentRootKind,
  kindCategory,
  normalizeStatement,
  spanCodeObject,
} from './spanFacts';
import { ATTR_DB_NAME, ATTR_DB_NAMESPACE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_STATUS_CODE } from '../../shared/semconv';

/** Spans of one trace beyond this are ignored (a runaway trace must not blow memory). */
export const MAX_SPANS_PER_TRACE = 5000;

export type { BreakdownKind, Execution, ExceptionFact, ProducerFact, RepeatFact, SegmentFacts, StatementFact, TraceFacts } from './traceFactTypes';

interface Node {
  span: Span;
  key: string;
  parent?: Node;
  children: Node[];
  segmentRoot?: Node;
}

function isError(span: Span): boolean {
  if (span.statusCode === StatusCode.ERROR) {
    return true;
  }
  const code = Number(attr(span, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_STATUS_CODE));
  return span.kind === SpanKind.SERVER && code >= 500;
}

/**
 * One copy of each repeated string (code-object keys, statements, flows): the traces kept for
 * analysis share them instead of each holding its own (the facts of thousands of traces are kept).
 */
const pool = new Map<string, string>();
function intern(s: string): string;
function intern(s: string | undefined): string | undefined;
function intern(s: string | undefined): string | undefined {
  if (s === undefined) {
    return undefined;
  }
  const p = pool.get(s);
  if (p !== undefined) {
    return p;
  }
  if (pool.size >= 50_000) {
    pool.clear();
  }
  pool.set(s, s);
  return s;
}

function compareSpans(a: Span, b: Span): number {
  return a.startUs - b.startUs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}

export function extractTraceFacts(trace: AssembledTrace): TraceFacts {
  // Deterministic order whatever order the spans arrived in; one span per id.
  const byId = new Map<string, Node>();
  for (const span of [...trace.spans].sort(compareSpans)) {
    if (byId.size >= MAX_SPANS_PER_TRACE) {
      break;
    }
    if (!byId.has(span.spanId)) {
      byId.set(span.spanId, { span, key: intern(spanCodeObject(span)), children: [] });
    }
  }
  const nodes = [...byId.values()];
  for (const n of nodes) {
    const p = n.span.parentSpanId ? byId.get(n.span.parentSpanId) : undefined;
    if (p && p !== n) {
      n.parent = p;
      p.children.push(n);
    }
  }
  const isRoot = (n: Node): boolean =>
    isSegmentRootKind(n.span) &&
    (!n.parent ||
      n.parent.span.resource.serviceName !== n.span.resource.serviceName ||
      n.parent.span.kind === SpanKind.CLIENT ||
      n.parent.span.kind === SpanKind.PRODUCER);
  const segRootOf = (n: Node): Node | undefined => {
    if (n.segmentRoot !== undefined) {
      return n.segmentRoot;
    }
    // Walk up without recursion (deep traces); guard against parent cycles in bad input.
    const path: Node[] = [];
    let cur: Node | undefined = n;
    let found: Node | undefined;
    const seen = new Set<Node>();
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      if (cur.segmentRoot !== undefined) {
        found = cur.segmentRoot;
        break;
      }
      path.push(cur);
      if (isRoot(cur)) {
        found = cur;
        break;
      }
      cur = cur.parent;
    }
    for (const p of path) {
      p.segmentRoot = found;
    }
    return found;
  };

  const facts: TraceFacts = {
    traceId: trace.traceId,
    runId: trace.runId,
    startUs: Math.min(...nodes.map((n) => n.span.startUs)),
    endUs: Math.max(...nodes.map((n) => n.span.endUs)),
    spanCount: nodes.length,
    segments: [],
    executions: [],
    statements: [],
    flows: [],
    exceptions: [],
    producers: [],
  };
  const segIndex = new Map<Node, number>();
  const endpointOf = new Map<Node, string>();
  for (const n of nodes) {
    if (isRoot(n)) {
      endpointOf.set(n, intern(endpointCodeObject(n.span)));
    }
  }

  // Segments: every span belongs to the segment of its nearest segment root.
  const membersOf = new Map<Node, Node[]>();
  for (const n of nodes) {
    const r = segRootOf(n);
    if (r && r !== n) {
      const list = membersOf.get(r);
      if (list) {
        list.push(n);
      } else {
        membersOf.set(r, [n]);
      }
    }
  }
  for (const root of nodes) {
    const endpoint = endpointOf.get(root);
    if (!endpoint) {
      continue;
    }
    const s = root.span;
    const members = membersOf.get(root) ?? [];
    const inSeg = (n: Node): boolean => segRootOf(n) === root;
    const lo = s.startUs;
    const hi = Math.max(s.endUs, s.startUs);
    const seg: SegmentFacts = {
      endpoint,
      service: s.resource.serviceName,
      traceId: trace.traceId,
      runId: trace.runId,
      spanId: s.spanId,
      startUs: s.startUs,
      durUs: hi - lo,
      error: isError(s),
      dbCount: 0,
      repeats: [],
      coverUs: {},
      byKind: { db: 0, http: 0, messaging: 0, internal: 0, self: 0 },
      byChild: {},
    };
    const cover = new Map<string, [number, number][]>();
    const groups = new Map<string, { kind: 'db' | 'http'; spanKey: string; parentKey: string; target: string; count: number; timeUs: number }>();
    const inner = new Map<string, Set<string>>();
    for (const m of members) {
      const sp = m.span;
      if (!isSegmentRootKind(sp)) {
        if (!cover.has(m.key)) {
          cover.set(m.key, []);
        }
        cover.get(m.key)!.push([sp.startUs, sp.endUs]);
        // Every code object above this span (below the root) wraps this one.
        const seen = new Set<Node>();
        for (let a = m.parent; a && a !== root && !seen.has(a); a = a.parent) {
          seen.add(a);
          if (a.key !== m.key) {
            const set = inner.get(a.key) ?? new Set<string>();
            set.add(m.key);
            inner.set(a.key, set);
          }
        }
      }
      const sys = dbSystem(sp);
      if (sys) {
        seg.dbCount++;
      }
      const stmt = sys ? dbStatement(sp) : undefined;
      const http = sys ? undefined : httpClientTarget(sp);
      const target = intern(stmt !== undefined ? normalizeStatement(stmt) : http);
      if (target !== undefined) {
        const kind = stmt !== undefined ? 'db' : 'http';
        const g = `${kind}\u0000${sp.parentSpanId ?? ''}\u0000${target}`;
        const e = groups.get(g) ?? { kind, spanKey: m.key, parentKey: m.parent?.key ?? '', target, count: 0, timeUs: 0 };
        e.count++;
        e.timeUs += sp.endUs - sp.startUs;
        groups.set(g, e);
      }
    }
    for (const [key, ivs] of cover) {
      seg.coverUs[key] = unionLength(ivs, lo, hi);
    }
    seg.innerUs = {};
    for (const [key, below] of inner) {
      let most = 0;
      for (const d of below) {
        most = Math.max(most, seg.coverUs[d] ?? 0);
      }
      seg.innerUs[key] = most;
    }
    const best = new Map<string, RepeatFact>();
    for (const g of groups.values()) {
      const id = `${g.kind}\u0000${g.target}`;
      const cur = best.get(id);
      if (!cur || g.count > cur.repeats || (g.count === cur.repeats && g.timeUs > cur.timeUs)) {
        best.set(id, { kind: g.kind, spanKey: g.spanKey, parentKey: g.parentKey, target: g.target, repeats: g.count, timeUs: g.timeUs });
      }
    }
    seg.repeats = [...best.values()].filter((r) => r.repeats >= 2).sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.kind < b.kind ? -1 : 1));
    // Exclusive time by kind; the root's exclusive time is the endpoint's self time.
    for (const n of [root, ...members]) {
      const kids = n.children.filter(inSeg).map((c) => [c.span.startUs, c.span.endUs] as [number, number]);
      const excl = Math.max(0, n.span.endUs - n.span.startUs - unionLength(kids, n.span.startUs, n.span.endUs));
      seg.byKind[n === root ? 'self' : kindCategory(n.span)] += excl;
    }
    const childCover = new Map<string, [number, number][]>();
    for (const c of root.children.filter(inSeg)) {
      if (!childCover.has(c.key)) {
        childCover.set(c.key, []);
      }
      childCover.get(c.key)!.push([c.span.startUs, c.span.endUs]);
    }
    for (const [key, ivs] of childCover) {
      seg.byChild[key] = unionLength(ivs, lo, hi);
    }
    if (s.kind === SpanKind.CONSUMER) {
      if (root.parent && root.parent.span.kind === SpanKind.PRODUCER) {
        seg.producerRef = `${trace.traceId}:${root.parent.span.spanId}`;
      } else if (s.links.length > 0) {
        seg.producerRef = `${s.links[0].traceId}:${s.links[0].spanId}`;
      }
    }
    segIndex.set(root, facts.segments.length);
    facts.segments.push(seg);
  }

  // Per span: executions, statements, flows, exceptions, producers.
  const flowSeen = new Set<string>();
  for (const n of nodes) {
    const sp = n.span;
    const dur = Math.max(0, sp.endUs - sp.startUs);
    const err = isError(sp);
    facts.executions.push({ key: n.key, traceId: trace.traceId, runId: trace.runId, startUs: sp.startUs, durUs: dur, error: err });
    const endpoint = endpointOf.get(n);
    if (endpoint) {
      facts.executions.push({ key: endpoint, traceId: trace.traceId, runId: trace.runId, startUs: sp.startUs, durUs: dur, error: err, segment: segIndex.get(n) });
    }
    const fn = intern(functionCodeObject(sp));
    if (fn) {
      facts.executions.push({ key: fn, traceId: trace.traceId, runId: trace.runId, startUs: sp.startUs, durUs: dur, error: err });
    }
    const sys = dbSystem(sp);
    const stmt = sys ? dbStatement(sp) : undefined;
    if (sys && stmt !== undefined) {
      facts.statements.push({
        group: intern(`${sys}|${attr(sp, ATTR_DB_NAMESPACE, ATTR_DB_NAME) ?? ''}`),
        statement: intern(normalizeStatement(stmt)),
        spanKey: n.key,
        traceId: trace.traceId,
        durUs: dur,
      });
    }
    // Caller flow: the endpoints on the way from the trace root, then this span.
    const hops: string[] = [];
    const seen = new Set<Node>();
    for (let a: Node | undefined = n.parent; a && !seen.has(a); a = a.parent) {
      seen.add(a);
      const ep = endpointOf.get(a);
      if (ep) {
        hops.push(`${a.span.resource.serviceName}:${ep.slice(ep.indexOf(':', ep.indexOf(':') + 1) + 1)}`);
      }
    }
    if (hops.length > 0) {
      const flow = intern([...hops.reverse(), `${sp.resource.serviceName}:${sp.name}`].join(' → '));
      const id = `${n.key}\u0000${flow}`;
      if (!flowSeen.has(id)) {
        flowSeen.add(id);
        facts.flows.push([n.key, flow]);
      }
    }
    const root = segRootOf(n);
    for (const ex of exceptionsOf(sp)) {
      const keys = [n.key];
      if (fn) {
        keys.push(fn);
      }
      if (endpoint) {
        keys.push(endpoint);
      }
      facts.exceptions.push({ ...ex, keys, traceId: trace.traceId, unhandled: ex.escaped || (root !== undefined && isError(root.span)) });
    }
    if (sp.kind === SpanKind.PRODUCER) {
      facts.producers.push({ ref: `${trace.traceId}:${sp.spanId}`, startUs: sp.startUs, endUs: sp.endUs, key: n.key });
    }
  }
  return facts;
}
