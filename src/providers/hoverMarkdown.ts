/**
 * The hover's markdown, built without `vscode` (the HoverProvider wraps it in a MarkdownString
 * trusted for SpanLens commands only).
 */
import type { CodeObjectStats, Insight } from '../shared/api';
import { Commands } from '../shared/constants';
import { formatCount, formatDuration, formatPercent, formatRate } from '../shared/format';
import { sortInsights } from './lensModel';

export interface HoverInput {
  label: string;
  stats?: CodeObjectStats;
  insights: readonly Insight[];
  /** Exception types with counts, most frequent first. */
  exceptions: readonly { type: string; count: number; message?: string }[];
  /** Argument passed to Show Insights so the panel opens on this function. */
  target: ShowInsightsArgs;
  neverReached?: boolean;
}

/** Argument of `spanlens.showInsights` when opened on a function (from a lens, hover or the panel). */
export interface ShowInsightsArgs {
  label: string;
  codeObjects: string[];
  path?: string;
  line?: number;
}

/** Commands the hover may link to; the MarkdownString trusts exactly these. */
export const HOVER_COMMANDS: readonly string[] = [Commands.showInsights, Commands.importTraces, Commands.compareRuns];

/** The hover MarkdownString's `isTrusted`: command links run for SpanLens' hover commands only. */
export function hoverTrust(): { enabledCommands: string[] } {
  return { enabledCommands: [...HOVER_COMMANDS] };
}

/** What can start a link, emphasis, code, HTML or a table cell inside a line (text is never at a line start). */
const MD_SPECIAL = /[\\`*_[\]<>#|~]/g;
/** Hover text is one line per item: a line break in trace data would start new markdown blocks. */
const LINE_BREAKS = /[\r\n\u2028\u2029]+/g;

/** Escapes text for markdown, so names and messages from traces cannot inject links or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(MD_SPECIAL, (c) => `\\${c}`);
}

/** Inline code of untrusted text: on one line, with no backtick that could close it early. */
export function codeSpan(text: string): string {
  return `\`${text.replace(LINE_BREAKS, ' ').replace(/`/g, "'")}\``;
}

export function commandLink(title: string, command: string, args?: unknown): string {
  const query = args === undefined ? '' : `?${encodeURIComponent(JSON.stringify([args]))}`;
  return `[${escapeMarkdown(title)}](command:${command}${query} "${title.replace(/"/g, '')}")`;
}

export function buildHoverMarkdown(h: HoverInput): string {
  const parts: string[] = [`**SpanLens** · ${codeSpan(h.label)}`];
  const s = h.stats;
  if (s) {
    const d = s.durationMs;
    parts.push(
      [
        '| p50 | p95 | p99 | errors | calls |',
        '|---:|---:|---:|---:|---:|',
        `| ${formatDuration(d.p50)} | ${formatDuration(d.p95)} | ${formatDuration(d.p99)} | ${formatPercent(s.errorRate)} | ${formatCount(s.count)} (${formatRate(s.ratePerMin.mean)}/min) |`,
      ].join('\n'),
    );
  } else if (h.neverReached) {
    parts.push('$(circle-slash) Never reached: this code is instrumented but no trace has passed through it yet.');
  }
  if (h.exceptions.length > 0) {
    const lines = h.exceptions.slice(0, 3).map((e) => `- ${codeSpan(e.type)} × ${formatCount(e.count)}${e.message ? ` — ${escapeMarkdown(truncate(e.message, 80))}` : ''}`);
    parts.push(`**Top exceptions**\n\n${lines.join('\n')}`);
  }
  const problems = sortInsights(h.insights.filter((i) => i.type !== 'duration' && i.type !== 'usage'));
  if (problems.length > 0) {
    const lines = problems.slice(0, 5).map((i) => `- **${escapeMarkdown(i.title)}** _(${i.severity})_ — ${escapeMarkdown(truncate(i.detail, 140))}`);
    parts.push(lines.join('\n'));
  }
  parts.push(commandLink('Show in Insights panel', Commands.showInsights, h.target) + ' · ' + commandLink('Compare runs…', Commands.compareRuns));
  return parts.join('\n\n');
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/**
 * Exception types with counts from `errors` insights (`exceptionType`, `count`, `messages`) and
 * `errorHotspot` insights (parallel `exceptionTypes`/`exceptionCounts`), each type counted once.
 */
export function exceptionsFromInsights(insights: readonly Insight[]): { type: string; count: number; message?: string }[] {
  const counts = new Map<string, { count: number; message?: string }>();
  const firstString = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
  // Per-type `errors` insights first; a hotspot's type list only adds types not already counted.
  for (const i of insights) {
    const f = i.figures;
    if (i.type === 'errors' && typeof f.exceptionType === 'string' && !counts.has(f.exceptionType)) {
      counts.set(f.exceptionType, { count: typeof f.count === 'number' ? f.count : 1, message: firstString(f.message) ?? firstString(f.messages) });
    }
  }
  for (const i of insights) {
    const f = i.figures;
    const types = f.exceptionTypes;
    if (i.type === 'errorHotspot' && Array.isArray(types)) {
      const n = Array.isArray(f.exceptionCounts) ? f.exceptionCounts : [];
      types.forEach((t, k) => {
        if (typeof t === 'string' && !counts.has(t)) {
          counts.set(t, { count: typeof n[k] === 'number' ? (n[k] as number) : 1 });
        }
      });
    }
  }
  return [...counts.entries()].map(([type, v]) => ({ type, ...v })).sort((a, b) => b.count - a.count);
}
