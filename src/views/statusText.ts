import { formatRate } from '../shared/format';

/** Pure: the status bar text for engine state, ingest rate and this file's serious insights. */
export function statusText(status: string, ratePerSec: number | undefined, serious: number | undefined): string {
  const icon = status === 'running' ? '$(pulse)' : status === 'error' ? '$(error)' : status === 'stopped' ? '$(circle-slash)' : '$(sync~spin)';
  const rate = status === 'running' && ratePerSec !== undefined && ratePerSec > 0 ? ` ${formatRate(ratePerSec * 60)}/min` : '';
  const problems = serious ? ` $(warning) ${serious}` : '';
  return `${icon} SpanLens${rate}${problems}`;
}
