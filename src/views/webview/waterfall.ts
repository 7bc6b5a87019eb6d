/**
 * Trace waterfall layout: spans in tree order with depth and their offset/width as a share of the
 * trace's duration. Pure (unit-tested); render.ts turns it into rows.
 */
import type { TraceSpanDto } from '../../shared/api';
import { pushTo } from '../../shared/collections';

export interface WaterfallRow {
  span: TraceSpanDto;
  depth: number;
  /** 0..100: where the bar starts and how wide it is, relative to the whole trace. */
  offsetPct: number;
  widthPct: number;
  error: boolean;
}

export interface WaterfallLayout {
  rows: WaterfallRow[];
  startUs: number;
  durationUs: number;
}

/** Bars narrower than this stay visible. */
const MIN_WIDTH_PCT = 0.5;

export function waterfallLayout(spans: readonly TraceSpanDto[]): WaterfallLayout {
  if (spans.length === 0) {
    return { rows: [], startUs: 0, durationUs: 0 };
  }
  const startUs = Math.min(...spans.map((s) => s.startUs));
  const endUs = Math.max(...spans.map((s) => s.startUs + s.durationUs));
  const durationUs = Math.max(1, endUs - startUs);
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, TraceSpanDto[]>();
  const roots: TraceSpanDto[] = [];
  for (const s of spans) {
    // A span whose parent never arrived is shown as a root rather than dropped.
    if (s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      pushTo(children, s.parentSpanId, s);
    } else {
      roots.push(s);
    }
  }
  const byStart = (a: TraceSpanDto, b: TraceSpanDto) => a.startUs - b.startUs || a.spanId.localeCompare(b.spanId);
  const rows: WaterfallRow[] = [];
  const visited = new Set<string>();
  const visit = (s: TraceSpanDto, depth: number) => {
    if (visited.has(s.spanId)) {
      return; // a parent cycle in bad input
    }
    visited.add(s.spanId);
    const offsetPct = ((s.startUs - startUs) / durationUs) * 100;
    const widthPct = Math.min(100 - offsetPct, Math.max(MIN_WIDTH_PCT, (s.durationUs / durationUs) * 100));
    rows.push({ span: s, depth, offsetPct, widthPct, error: s.status.code === 2 });
    for (const c of (children.get(s.spanId) ?? []).sort(byStart)) {
      visit(c, depth + 1);
    }
  };
  for (const r of roots.sort(byStart)) {
    visit(r, 0);
  }
  // Spans only reachable through a cycle.
  for (const s of [...spans].sort(byStart)) {
    if (!visited.has(s.spanId)) {
      visit(s, 0);
    }
  }
  return { rows, startUs, durationUs };
}
