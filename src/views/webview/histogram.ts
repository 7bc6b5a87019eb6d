/**
 * Duration histogram geometry (log-scale buckets from the engine) for the SVG the panel draws.
 * Pure, so the layout is unit-tested in Node; the DOM part lives in render.ts.
 */
import type { Histogram } from '../../shared/api';
import { formatCount, formatDuration, formatPercent } from '../../shared/format';

export interface HistogramBar {
  x: number;
  y: number;
  width: number;
  height: number;
  count: number;
  /** Bucket bounds in ms: (lo, hi]. */
  lo: number;
  hi: number;
  label: string;
}

export interface HistogramMarker {
  name: string;
  valueMs: number;
  x: number;
}

export interface HistogramLayout {
  width: number;
  height: number;
  bars: HistogramBar[];
  markers: HistogramMarker[];
  /** Axis labels at the first, middle and last bucket. */
  ticks: { x: number; label: string }[];
  total: number;
}

const AXIS = 14;

export function histogramLayout(h: Histogram, width: number, height: number, markers: Record<string, number> = {}): HistogramLayout {
  const n = Math.min(h.bounds.length, h.counts.length);
  let first = 0;
  let last = n - 1;
  while (first < n && h.counts[first] === 0) {
    first++;
  }
  while (last >= first && h.counts[last] === 0) {
    last--;
  }
  const empty: HistogramLayout = { width, height, bars: [], markers: [], ticks: [], total: 0 };
  if (first > last) {
    return empty;
  }
  const lo = (i: number) => (i > 0 ? h.bounds[i - 1] : 0);
  const shown = last - first + 1;
  const barW = width / shown;
  const plotH = height - AXIS;
  const max = Math.max(...h.counts.slice(first, last + 1));
  const bars: HistogramBar[] = [];
  let total = 0;
  for (let i = first; i <= last; i++) {
    const c = h.counts[i];
    total += c;
    const bh = c === 0 ? 0 : Math.max(1, (c / max) * plotH);
    bars.push({
      x: (i - first) * barW,
      y: plotH - bh,
      width: Math.max(1, barW - 1),
      height: bh,
      count: c,
      lo: lo(i),
      hi: h.bounds[i],
      label: `${formatDuration(lo(i))}–${formatDuration(h.bounds[i])}: ${c} calls`,
    });
  }
  const xOf = (v: number): number => {
    for (let i = first; i <= last; i++) {
      if (v <= h.bounds[i]) {
        const a = lo(i);
        const b = h.bounds[i];
        // position inside the bucket, in log space when the bucket is not the first
        const frac = a > 0 && b > a && v > a ? Math.log(v / a) / Math.log(b / a) : b > a ? Math.max(0, v - a) / (b - a) : 1;
        return (i - first + Math.min(1, Math.max(0, frac))) * barW;
      }
    }
    return width;
  };
  const ms = Object.entries(markers)
    .filter(([, v]) => Number.isFinite(v))
    .map(([name, valueMs]) => ({ name, valueMs, x: xOf(valueMs) }));
  const mid = first + Math.floor((last - first) / 2);
  const ticks = [...new Set([first, mid, last])].map((i) => ({ x: (i - first + 0.5) * barW, label: formatDuration(h.bounds[i]) }));
  return { width, height, bars, markers: ms, ticks, total };
}

/** `shareOfRequest` → "share of request": insight figure names for people. */
export function figureLabel(key: string): string {
  return key.replace(/Ms$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A figure's value by what its name says: `…Ms` durations, shares/rates as percentages, counts. */
export function figureText(key: string, v: unknown): string {
  if (typeof v === 'number') {
    if (/(Seen|At)$/.test(key) && v > 1e11) {
      return new Date(v).toLocaleString();
    }
    if (/Ms$/.test(key)) {
      return formatDuration(v);
    }
    if (/share|ratio|pct|(rate|change)$/i.test(key) && !/perMin/i.test(key) && Math.abs(v) <= 10) {
      return formatPercent(v);
    }
    return Number.isInteger(v) ? formatCount(v) : String(Math.round(v * 100) / 100);
  }
  if (Array.isArray(v)) {
    return v.slice(0, 4).map((x) => figureText(key, x)).join(', ');
  }
  return String(v);
}
