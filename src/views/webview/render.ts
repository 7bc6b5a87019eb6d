import type { CodeObjectStats, Insight } from '../../shared/api';
import { Commands } from '../../shared/constants';
import { formatChange, formatCount, formatDuration, formatPercent, formatRate } from '../../shared/format';
import type { ErrorView, FocusView, InsightsViewState } from '../../shared/webviewProtocol';
import type { Section, ViewContext } from './context';
import { button, el, rovingList, svg } from './dom';
import { figureLabel, figureText, histogramLayout } from './histogram';
import { openCode, renderWaterfallSection } from './renderTrace';

const STATUS_TEXT: Record<InsightsViewState['engine']['status'], string> = {
  stopped: 'Engine stopped',
  starting: 'Engine starting…',
  running: 'Engine running',
  restarting: 'Engine restarting…',
  error: 'Engine error',
};

export function renderApp(ctx: ViewContext, s: InsightsViewState): HTMLElement {
  const app = el('div', { cls: 'app' });
  app.append(renderEngine(ctx, s));
  const hasData = (s.engine.spansStored ?? 0) > 0 || s.topInsights.length > 0 || !!s.focus?.stats;
  if (!hasData) {
    app.append(renderEmptyState(ctx, s));
    return app;
  }
  const section: Section = ctx.ui.section === 'compare' || ctx.ui.section === 'overview' ? ctx.ui.section : s.focus ? 'focus' : 'overview';
  app.append(renderTabs(ctx, section, !!s.focus));
  const panel = el('div', { id: `panel-${section}`, attrs: { role: 'tabpanel', 'aria-labelledby': `tab-${section}` } });
  if (section === 'focus' && s.focus) {
    panel.append(renderFocus(ctx, s.focus));
  } else if (section === 'compare') {
    panel.append(renderCompare(ctx, s));
  } else {
    panel.append(renderOverview(ctx, s));
  }
  app.append(panel);
  return app;
}

function renderEngine(ctx: ViewContext, s: InsightsViewState): HTMLElement {
  const e = s.engine;
  const figures = e.status === 'running' && e.spansStored !== undefined ? ` · ${formatCount(e.spansStored)} spans · ${formatRate((e.ingestRatePerSec ?? 0) * 60)}/min` : '';
  const header = el('header', { id: 'engine-status', cls: `engine engine-${e.status}`, attrs: { role: 'status', 'aria-label': `${STATUS_TEXT[e.status]}${figures}` } }, el('span', { cls: 'dot', attrs: { 'aria-hidden': 'true' } }), el('span', { text: `${STATUS_TEXT[e.status]}${figures}` }));
  if (e.status === 'error') {
    header.append(el('p', { cls: 'error-text', text: e.message ?? '' }), button('Show Log', () => ctx.runCommand(Commands.showLog)), button('Restart Engine', () => ctx.runCommand(Commands.restartEngine)));
  }
  return header;
}

function renderTabs(ctx: ViewContext, current: Section, hasFocus: boolean): HTMLElement {
  const tabs = el('nav', { cls: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Insights sections' } });
  const items: [Section, string][] = [['focus', 'Function'], ['overview', 'Overview'], ['compare', 'Compare runs']];
  for (const [id, label] of items) {
    if (id === 'focus' && !hasFocus) {
      continue;
    }
    tabs.append(button(label, () => ctx.setUi({ section: id }), { id: `tab-${id}`, role: 'tab', 'aria-selected': String(id === current), 'aria-controls': `panel-${id}`, 'data-roving': '' }, 'tab'));
  }
  rovingList(tabs, (item) => item.click());
  return tabs;
}

/** Exactly how to send data: endpoint, env lines to copy, the import button, the demo. */
export function renderEmptyState(ctx: ViewContext, s: InsightsViewState): HTMLElement {
  const env = [
    `OTEL_EXPORTER_OTLP_ENDPOINT=${s.engine.otlpHttpEndpoint}`,
    'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
    'OTEL_TRACES_EXPORTER=otlp',
    'OTEL_SERVICE_NAME=my-service',
  ].join('\n');
  const pre = el('pre', { cls: 'code-block', text: env, attrs: { tabindex: '0', 'aria-label': 'Environment variables to export traces to SpanLens' } });
  return el(
    'section',
    { id: 'empty-state', cls: 'empty-state', attrs: { 'aria-labelledby': 'empty-title' } },
    el('h2', { id: 'empty-title', text: 'No runtime data yet' }),
    el('p', { text: `Run your app or tests with OpenTelemetry and export traces to SpanLens. OTLP/HTTP: ${s.engine.otlpHttpEndpoint} · OTLP/gRPC: ${s.engine.otlpGrpcEndpoint}` }),
    el('p', { text: 'Set these environment variables for your process:' }),
    pre,
    el(
      'div',
      { cls: 'actions' },
      button('Copy OTLP Endpoint', () => ctx.runCommand(Commands.copyOtlpEndpoint), { id: 'copy-endpoint' }),
      button('Import traces…', () => ctx.runCommand(Commands.importTraces), { id: 'import-traces' }),
      button('Load Demo Data', () => ctx.runCommand(Commands.loadDemoData), { id: 'load-demo' }, 'secondary'),
    ),
  );
}

function figuresRow(stats: CodeObjectStats): HTMLElement {
  const d = stats.durationMs;
  const cells: [string, string][] = [
    ['p50', formatDuration(d.p50)],
    ['p95', formatDuration(d.p95)],
    ['p99', formatDuration(d.p99)],
    ['errors', formatPercent(stats.errorRate)],
    ['calls/min', formatRate(stats.ratePerMin.mean)],
    ['calls', formatCount(stats.count)],
  ];
  return el('dl', { id: 'figures', cls: 'figures' }, ...cells.map(([k, v]) => el('div', { cls: 'figure' }, el('dt', { text: k }), el('dd', { text: v }))));
}

function renderFocus(ctx: ViewContext, f: FocusView): HTMLElement {
  const wrap = el('div', { id: 'focus' });
  const title = el('h2', { cls: 'focus-title', text: f.label });
  wrap.append(title);
  if (f.path) {
    wrap.append(button(`${f.path}${f.line ? `:${f.line}` : ''}`, () => void openCode(ctx, f.path as string, f.line), { 'aria-label': `Open ${f.path}` }, 'link-button'));
  }
  if (f.neverReached && !f.stats) {
    wrap.append(el('p', { id: 'never-reached', cls: 'muted', text: 'Never reached: this code is instrumented but no trace passed through it in the stored data.' }));
  }
  if (f.stats) {
    wrap.append(figuresRow(f.stats), renderHistogram(f.stats));
  }
  wrap.append(renderInsightList(ctx, f.insights.filter((i) => i.type !== 'duration'), 'insights', 'Insights'));
  wrap.append(renderWaterfallSection(ctx, f.exemplars));
  if (f.errors.length > 0) {
    wrap.append(renderErrors(ctx, f.errors));
  }
  return wrap;
}

export function renderHistogram(stats: CodeObjectStats): HTMLElement {
  const width = 300;
  const height = 90;
  const layout = histogramLayout(stats.histogram, width, height, { p50: stats.durationMs.p50, p95: stats.durationMs.p95, p99: stats.durationMs.p99 });
  const section = el('section', { id: 'histogram', cls: 'panel-section', attrs: { 'aria-labelledby': 'histogram-title' } }, el('h3', { id: 'histogram-title', text: 'Duration distribution' }));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Histogram of ${layout.total} durations; p50 ${formatDuration(stats.durationMs.p50)}, p95 ${formatDuration(stats.durationMs.p95)}, p99 ${formatDuration(stats.durationMs.p99)}`, class: 'histogram', preserveAspectRatio: 'none' });
  for (const b of layout.bars) {
    const rect = svg('rect', { x: b.x.toFixed(1), y: b.y.toFixed(1), width: b.width.toFixed(1), height: b.height.toFixed(1), class: 'bar' });
    const t = svg('title');
    t.textContent = b.label;
    rect.append(t);
    chart.append(rect);
  }
  for (const m of layout.markers) {
    chart.append(svg('line', { x1: m.x.toFixed(1), x2: m.x.toFixed(1), y1: 0, y2: height - 14, class: `marker marker-${m.name}` }));
    const label = svg('text', { x: (m.x + 2).toFixed(1), y: m.name === 'p50' ? 9 : m.name === 'p95' ? 19 : 29, class: 'marker-label' });
    label.textContent = m.name;
    chart.append(label);
  }
  for (const [k, t] of layout.ticks.entries()) {
    const anchor = k === 0 ? 'start' : k === layout.ticks.length - 1 ? 'end' : 'middle';
    const x = anchor === 'start' ? 0 : anchor === 'end' ? width : t.x;
    const text = svg('text', { x: x.toFixed(1), y: height - 2, class: 'tick', 'text-anchor': anchor });
    text.textContent = t.label;
    chart.append(text);
  }
  section.append(chart);
  return section;
}

export function renderInsightList(ctx: ViewContext, insights: Insight[], id: string, heading: string, showTarget = false): HTMLElement {
  const section = el('section', { id, cls: 'panel-section', attrs: { 'aria-labelledby': `${id}-title` } }, el('h3', { id: `${id}-title`, text: `${heading} (${insights.length})` }));
  if (insights.length === 0) {
    section.append(el('p', { cls: 'muted', text: 'No insights for this code.' }));
    return section;
  }
  const list = el('ul', { cls: 'cards', attrs: { role: 'list' } });
  for (const i of insights) {
    const figures = el('dl', { cls: 'card-figures' });
    for (const [k, v] of Object.entries(i.figures).slice(0, 6)) {
      figures.append(el('div', {}, el('dt', { text: figureLabel(k) }), el('dd', { text: figureText(k, v) })));
    }
    const card = el(
      'li',
      { cls: `card severity-${i.severity}`, attrs: { 'data-roving': '', 'data-insight-type': i.type, 'aria-label': `${i.severity} ${i.title}` } },
      el('div', { cls: 'card-head' }, el('span', { cls: `badge badge-${i.severity}`, text: i.severity }), el('strong', { text: i.title }), i.status !== 'active' && el('span', { cls: 'status', text: i.status })),
      el('p', { text: i.detail }),
      figures,
      showTarget && el('p', { cls: 'muted', text: `${i.service} · ${i.codeObject}` }),
    );
    if (showTarget) {
      card.addEventListener('click', () => ctx.runCommand(Commands.showInsights, [{ label: i.codeObject.replace(/^\w+:/, ''), codeObjects: [i.codeObject] }]));
    }
    list.append(card);
  }
  rovingList(list, (item) => item.click());
  section.append(list);
  return section;
}

function renderErrors(ctx: ViewContext, errors: ErrorView[]): HTMLElement {
  const section = el('section', { id: 'errors', cls: 'panel-section', attrs: { 'aria-labelledby': 'errors-title' } }, el('h3', { id: 'errors-title', text: 'Errors' }));
  for (const e of errors) {
    const frames = el('ol', { cls: 'frames', attrs: { 'aria-label': `Stack of ${e.type}` } });
    for (const f of e.frames) {
      const item = el('li', {});
      if (f.path) {
        item.append(button(f.text, () => void openCode(ctx, f.path as string, f.line), { 'data-roving': '', 'aria-label': `Open ${f.path} at line ${f.line ?? 1}` }, 'frame link-button'));
      } else {
        item.append(el('span', { cls: 'frame muted', text: f.text }));
      }
      frames.append(item);
    }
    rovingList(frames, (item) => item.click());
    section.append(el('div', { cls: 'error-card' }, el('strong', { text: `${e.type} × ${formatCount(e.count)}` }), el('p', { text: e.message }), frames));
  }
  return section;
}

function renderOverview(ctx: ViewContext, s: InsightsViewState): HTMLElement {
  const wrap = el('div', { id: 'overview' });
  wrap.append(el('p', { cls: 'muted', text: 'Move the cursor into an instrumented function, or click a SpanLens CodeLens, to see its figures here.' }));
  wrap.append(renderInsightList(ctx, s.topInsights, 'top-insights', 'Top insights', true));
  return wrap;
}

function renderCompare(ctx: ViewContext, s: InsightsViewState): HTMLElement {
  const wrap = el('div', { id: 'compare' });
  if (s.runs.length < 2) {
    wrap.append(el('p', { cls: 'muted', text: 'Comparison needs two runs. Runs come from service.version, a VCS revision attribute, spanlens.run.id, or each import.' }));
    return wrap;
  }
  const pick = (id: string, label: string, value: string | undefined) => {
    const select = el('select', { id, attrs: { 'aria-label': label } });
    for (const r of s.runs) {
      const o = el('option', { text: `${r.label} (${formatCount(r.spans)} spans)`, attrs: { value: r.id } });
      o.selected = r.id === value;
      select.append(o);
    }
    return select;
  };
  const baseline = pick('baseline', 'Baseline run', s.compare?.baseline.id ?? ctx.ui.baseline ?? s.runs[1]?.id);
  const candidate = pick('candidate', 'Candidate run', s.compare?.candidate.id ?? ctx.ui.candidate ?? s.runs[0]?.id);
  const run = button('Compare', () => {
    ctx.setUi({ baseline: baseline.value, candidate: candidate.value });
    ctx.request('compare/get', { baseline: baseline.value, candidate: candidate.value }).catch((e: Error) => ctx.announce(e.message));
  });
  wrap.append(el('div', { cls: 'compare-form' }, el('label', { text: 'Baseline' }, baseline), el('label', { text: 'Candidate' }, candidate), run));
  const c = s.compare;
  if (!c) {
    return wrap;
  }
  const table = el('table', { cls: 'compare-table', attrs: { 'aria-label': `Changes from ${c.baseline.label} to ${c.candidate.label}` } });
  table.append(el('thead', {}, el('tr', {}, ...['Code', 'p50', 'p95', 'errors', ''].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))));
  const body = el('tbody');
  for (const r of c.rows.slice(0, 50)) {
    const cls = r.significant && r.p95Change > 0 ? 'worse' : r.significant && r.p95Change < 0 ? 'better' : '';
    body.append(
      el(
        'tr',
        { cls },
        el('th', { text: r.name, attrs: { scope: 'row', title: r.codeObject } }),
        el('td', { text: `${formatDuration(r.baseline.p50Ms)} → ${formatDuration(r.candidate.p50Ms)} (${formatChange(r.p50Change)})` }),
        el('td', { text: `${formatDuration(r.baseline.p95Ms)} → ${formatDuration(r.candidate.p95Ms)} (${formatChange(r.p95Change)})` }),
        el('td', { text: `${formatPercent(r.baseline.errorRate)} → ${formatPercent(r.candidate.errorRate)}` }),
        el('td', { text: r.significant ? 'significant' : '' }),
      ),
    );
  }
  table.append(body);
  wrap.append(table);
  if (c.newInsights.length) {
    wrap.append(renderInsightList(ctx, c.newInsights, 'new-insights', 'New insights', true));
  }
  if (c.fixedInsights.length) {
    wrap.append(renderInsightList(ctx, c.fixedInsights, 'fixed-insights', 'Possibly fixed', true));
  }
  return wrap;
}
