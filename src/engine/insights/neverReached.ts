/**
 * `neverReached`: code the mapping module found instrumented (a span literal or a route in the
 * workspace, given as code-object keys) that has no data in the selected window.
 */
import type { Insight } from '../../shared/api';
import type { AggregateReader, StatsWindow } from '../model';
import { displayName, draft } from './draft';

export function neverReached(instrumentedKeys: Iterable<string>, reader: AggregateReader, now: number, window?: StatsWindow): Insight[] {
  const out: Insight[] = [];
  for (const key of [...new Set(instrumentedKeys)].sort()) {
    const st = reader.stats(key, window);
    if (st && st.count > 0) {
      continue;
    }
    const { confirmed: _confirmed, ...d } = draft({
      type: 'neverReached',
      codeObject: key,
      scope: 'function',
      severity: 'low',
      title: 'Never reached',
      detail: `${displayName(key)} is instrumented but no span of it arrived${window ? ' in the selected window' : ''}.`,
      figures: { windowFromMs: window?.fromMs ?? null, windowToMs: window?.toMs ?? null, runId: window?.runId ?? null },
    });
    out.push({ ...d, firstSeen: now, lastSeen: now, status: 'active' });
  }
  return out;
}
