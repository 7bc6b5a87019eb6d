/**
 * Display formatting shared by the host (CodeLens, hover, status bar) and the Insights webview:
 * durations, rates, percentages and the figures-lens template. Pure; no `vscode`, no Node.
 */

/** 0.4 → "400 µs", 812.3 → "812 ms", 2140 → "2.14 s", 95000 → "1.6 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    return '—';
  }
  if (ms < 1) {
    return `${Math.round(ms * 1000)} µs`;
  }
  if (ms < 10) {
    return `${trim(ms.toFixed(1))} ms`;
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${trim((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
  }
  return `${trim((ms / 60_000).toFixed(1))} min`;
}

/** A 0..1 share as a percentage: 0.021 → "2.1%", 0 → "0%", 0.0004 → "<0.1%", 0.68 → "68%". */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) {
    return '—';
  }
  const pct = share * 100;
  if (pct === 0) {
    return '0%';
  }
  if (Math.abs(pct) < 0.1) {
    return pct > 0 ? '<0.1%' : '>-0.1%';
  }
  if (Math.abs(pct) < 10) {
    return `${trim(pct.toFixed(1))}%`;
  }
  return `${Math.round(pct)}%`;
}

/** A signed relative change: 0.25 → "+25%", -0.104 → "-10%". */
export function formatChange(change: number): string {
  const s = formatPercent(change);
  return change > 0 ? `+${s}` : s;
}

/** Calls per minute: 34.2 → "34", 0.5 → "0.5", 12400 → "12.4k". */
export function formatRate(perMin: number): string {
  if (!Number.isFinite(perMin)) {
    return '—';
  }
  if (perMin >= 1000) {
    return `${trim((perMin / 1000).toFixed(1))}k`;
  }
  if (perMin >= 10) {
    return `${Math.round(perMin)}`;
  }
  return trim(perMin.toFixed(perMin >= 1 ? 1 : 2));
}

/** 1234 → "1,234", 1_500_000 → "1.5M". */
export function formatCount(n: number): string {
  if (n >= 1_000_000) {
    return `${trim((n / 1_000_000).toFixed(1))}M`;
  }
  return Math.round(n).toLocaleString('en-US');
}

function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** The placeholders of `spanlens.codeLens.template`. */
export const TEMPLATE_FIELDS = ['p50', 'p95', 'p99', 'mean', 'max', 'errorRate', 'errors', 'rate', 'count'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];
export type TemplateFigures = Partial<Record<TemplateField, number>>;

const PLACEHOLDER = /\$\{(\w+)\}/g;

/**
 * Fills `${p95}`-style placeholders from figures (durations in ms, errorRate 0..1, rate per minute).
 * Unknown placeholders stay as written so a typo is visible; missing figures render as "—".
 */
export function renderTemplate(template: string, figures: TemplateFigures): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(name)) {
      return whole;
    }
    const v = figures[name as TemplateField];
    if (v === undefined) {
      return '—';
    }
    switch (name as TemplateField) {
      case 'errorRate':
        return formatPercent(v);
      case 'rate':
        return formatRate(v);
      case 'count':
      case 'errors':
        return formatCount(v);
      default:
        return formatDuration(v);
    }
  });
}

/** Placeholders in a template that are not known fields (for a warning in the log). */
export function unknownTemplateFields(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(m[1])) {
      out.push(m[1]);
    }
  }
  return out;
}
