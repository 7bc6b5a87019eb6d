import * as assert from 'node:assert/strict';
import { HOVER_COMMANDS, buildHoverMarkdown, commandLink, escapeMarkdown, exceptionsFromInsights } from '../../../src/providers/hoverMarkdown';
import type { Insight } from '../../../src/shared/api';
import { Commands } from '../../../src/shared/constants';

const base: Omit<Insight, 'id' | 'type' | 'title' | 'figures' | 'severity'> = {
  scope: 'span',
  service: 'api',
  codeObject: 'span:api:s:q',
  detail: 'Runs the same SELECT 12 times per request',
  sampleTraceIds: {},
  firstSeen: 0,
  lastSeen: 0,
  status: 'active',
};

describe('hover markdown', () => {
  it('shows percentiles, error rate, exceptions, insights and a Show Insights link', () => {
    const md = buildHoverMarkdown({
      label: 'app.users.get_orders',
      stats: {
        codeObject: { id: 'x', kind: 'endpoint', service: 'api', name: 'GET /x', count: 1, errors: 0, firstSeen: 0, lastSeen: 0 },
        count: 2000,
        errors: 42,
        errorRate: 0.021,
        ratePerMin: { mean: 34, max: 60 },
        durationMs: { mean: 300, p50: 210, p75: 400, p95: 812, p99: 1500, max: 2000 },
        histogram: { bounds: [], counts: [] },
        series: [],
      },
      insights: [{ ...base, id: 'a', type: 'nPlusOne', severity: 'high', title: 'N+1 queries (12×)', figures: {} }],
      exceptions: [{ type: 'KeyError', count: 42, message: "'user' [missing]" }],
      target: { label: 'app.users.get_orders', codeObjects: ['endpoint:api:GET /x'], path: 'app/users.py', line: 20 },
    });
    assert.match(md, /\| 210 ms \| 812 ms \| 1\.5 s \| 2\.1% \| 2,000 \(34\/min\) \|/);
    assert.match(md, /`KeyError` × 42 — 'user' \\\[missing\\\]/);
    assert.ok(md.includes('**N+1 queries (12×)** _(high)_'), md);
    const link = /\(command:spanlens\.showInsights\?([^ ]+) "/.exec(md);
    assert.ok(link, 'has a Show Insights command link');
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [{ label: 'app.users.get_orders', codeObjects: ['endpoint:api:GET /x'], path: 'app/users.py', line: 20 }]);
  });

  it('escapes text from traces so it cannot add links or HTML', () => {
    const evil = '[click](command:workbench.action.terminal.sendSequence) <img src=x>';
    const esc = escapeMarkdown(evil);
    assert.ok(!/(^|[^\\])\[/.test(esc) && !/(^|[^\\])</.test(esc));
    const md = buildHoverMarkdown({ label: 'f', insights: [{ ...base, id: 'e', type: 'errors', severity: 'medium', title: evil, figures: {} }], exceptions: [], target: { label: 'f', codeObjects: [] } });
    assert.ok(!/(^|[^\\])\]\(command:workbench/.test(md), 'no unescaped link to a foreign command');
    assert.ok(md.includes('\\[click\\](command:workbench'), 'the text stays visible, escaped');
  });

  it('links only to SpanLens commands', () => {
    assert.ok(HOVER_COMMANDS.every((c) => Object.values(Commands).includes(c as never)));
    assert.equal(commandLink('Go', Commands.compareRuns), `[Go](command:${Commands.compareRuns} "Go")`);
  });

  it('collects exception types from error insights, each type once', () => {
    const ex = exceptionsFromInsights([
      { ...base, id: '1', type: 'errors', severity: 'medium', title: 't', figures: { exceptionType: 'KeyError', count: 3, messages: ["'region'", 'x'] } },
      { ...base, id: '2', type: 'errorHotspot', severity: 'high', title: 't', figures: { exceptionTypes: ['ValueError', 'KeyError'], exceptionCounts: [7, 3] } },
      { ...base, id: '3', type: 'nPlusOne', severity: 'high', title: 't', figures: { exceptionType: 'Ignored' } },
    ]);
    assert.deepEqual(ex, [
      { type: 'ValueError', count: 7 },
      { type: 'KeyError', count: 3, message: "'region'" },
    ]);
  });
});
