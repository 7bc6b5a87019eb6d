import type { TraceSpanDto } from '../../shared/api';
import { formatDuration } from '../../shared/format';
import type { ExemplarRef, TraceViewResult } from '../../shared/webviewProtocol';
import type { ViewContext } from './context';
import { button, el, rovingList } from './dom';
import { waterfallLayout } from './waterfall';

const ROLE_LABEL: Record<string, string> = { slowest: 'Slowest', median: 'Median', error: 'Error' };
const KIND = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** Cache of fetched traces for this webview's lifetime. */
const traces = new Map<string, Promise<TraceViewResult>>();

/** The waterfall section: exemplar picker, rows (keyboard navigable), details of the selected span. */
export function renderWaterfallSection(ctx: ViewContext, exemplars: ExemplarRef[]): HTMLElement {
  const section = el('section', { id: 'waterfall', cls: 'panel-section', attrs: { 'aria-labelledby': 'waterfall-title' } }, el('h3', { id: 'waterfall-title', text: 'Exemplar traces' }));
  if (exemplars.length === 0) {
    section.append(el('p', { cls: 'muted', text: 'No exemplar traces kept for this code yet.' }));
    return section;
  }
  const current = exemplars.find((e) => e.traceId === ctx.ui.exemplar) ?? exemplars[0];
  const picker = el('div', { cls: 'segmented', attrs: { role: 'radiogroup', 'aria-label': 'Exemplar trace' } });
  for (const ex of exemplars) {
    const b = button(ROLE_LABEL[ex.role] ?? ex.role, () => ctx.setUi({ exemplar: ex.traceId, selectedSpan: undefined }), {
      role: 'radio',
      'aria-checked': String(ex === current),
      'data-roving': '',
      'data-role': ex.role,
    });
    picker.append(b);
  }
  rovingList(picker, (item) => item.click());
  section.append(picker);
  const body = el('div', { cls: 'waterfall-body', attrs: { 'aria-busy': 'true' } }, el('p', { cls: 'muted', text: 'Loading trace…' }));
  section.append(body);
  let p = traces.get(current.traceId);
  if (!p) {
    p = ctx.request('trace/get', { traceId: current.traceId });
    traces.set(current.traceId, p);
    p.catch(() => traces.delete(current.traceId));
  }
  p.then(
    (result) => {
      body.replaceChildren(renderRows(ctx, result));
      body.setAttribute('aria-busy', 'false');
    },
    (e: Error) => {
      body.replaceChildren(el('p', { cls: 'error-text', text: `Could not load trace ${current.traceId}: ${e.message}` }));
      body.setAttribute('aria-busy', 'false');
    },
  );
  return section;
}

function renderRows(ctx: ViewContext, result: TraceViewResult): HTMLElement {
  const layout = waterfallLayout(result.trace.spans);
  const wrap = el('div');
  wrap.append(el('p', { cls: 'muted', text: `Trace ${result.trace.traceId.slice(0, 16)}… · ${result.trace.spans.length} spans · ${formatDuration(layout.durationUs / 1000)}` }));
  const list = el('div', { cls: 'waterfall-rows', attrs: { role: 'tree', 'aria-label': 'Spans of the trace' } });
  const details = el('div', { id: 'span-details', cls: 'span-details', attrs: { 'aria-live': 'polite' } });
  const select = (span: TraceSpanDto) => {
    ctx.ui.selectedSpan = span.spanId;
    for (const r of Array.from(list.children)) {
      r.setAttribute('aria-selected', String((r as HTMLElement).dataset.spanId === span.spanId));
    }
    details.replaceChildren(renderSpanDetails(ctx, span, result.locations[span.spanId]));
  };
  for (const row of layout.rows) {
    const s = row.span;
    const r = el('div', {
      cls: `waterfall-row${row.error ? ' error' : ''}`,
      attrs: { role: 'treeitem', 'aria-level': String(row.depth + 1), 'aria-selected': 'false', 'data-roving': '', 'data-span-id': s.spanId, 'aria-label': `${s.name}, ${formatDuration(s.durationUs / 1000)}${row.error ? ', error' : ''}` },
    });
    const name = el('span', { cls: 'span-name', text: s.name });
    name.style.paddingLeft = `${row.depth * 10}px`;
    const track = el('span', { cls: 'span-track' });
    const bar = el('span', { cls: 'span-bar' });
    // CSSOM assignments are allowed under the CSP (only style attributes/elements are not).
    bar.style.left = `${row.offsetPct}%`;
    bar.style.width = `${row.widthPct}%`;
    track.append(bar);
    r.append(name, track, el('span', { cls: 'span-duration', text: formatDuration(s.durationUs / 1000) }));
    r.addEventListener('click', () => select(s));
    list.append(r);
  }
  rovingList(list, (item) => item.click());
  wrap.append(list, details);
  const selected = layout.rows.find((r) => r.span.spanId === ctx.ui.selectedSpan) ?? layout.rows[0];
  if (selected) {
    select(selected.span);
  }
  return wrap;
}

function renderSpanDetails(ctx: ViewContext, s: TraceSpanDto, loc: { path: string; line?: number } | undefined): HTMLElement {
  const box = el('div', {}, el('h4', { text: s.name }));
  const dl = el('dl', { cls: 'attributes' });
  const row = (k: string, v: string) => dl.append(el('dt', { text: k }), el('dd', { text: v }));
  row('service', s.service);
  row('kind', KIND[s.kind] ?? String(s.kind));
  row('duration', formatDuration(s.durationUs / 1000));
  if (s.status.code === 2) {
    row('status', `error${s.status.message ? `: ${s.status.message}` : ''}`);
  }
  for (const [k, v] of Object.entries(s.attributes).slice(0, 30)) {
    row(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  box.append(dl);
  if (loc) {
    box.append(
      button(`Go to ${loc.path}${loc.line ? `:${loc.line}` : ''}`, () => void openCode(ctx, loc.path, loc.line), { 'aria-label': `Open ${loc.path} at line ${loc.line ?? 1}`, 'data-action': 'jump-to-code' }, 'link-button'),
    );
  }
  return box;
}

export async function openCode(ctx: ViewContext, path: string, line?: number): Promise<void> {
  try {
    const r = await ctx.request('code/open', { path, line });
    if (!r.opened) {
      ctx.announce(r.reason ?? 'Could not open the file');
    }
  } catch (e) {
    ctx.announce((e as Error).message);
  }
}
