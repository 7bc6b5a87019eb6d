import * as assert from 'node:assert/strict';
import { formatChange, formatCount, formatDuration, formatPercent, formatRate, renderTemplate, unknownTemplateFields } from '../../../src/shared/format';
import { statusText } from '../../../src/views/statusText';

describe('editor formatting', () => {
  it('formats durations across units', () => {
    assert.equal(formatDuration(0.4), '400 µs');
    assert.equal(formatDuration(2.25), '2.3 ms');
    assert.equal(formatDuration(812.3), '812 ms');
    assert.equal(formatDuration(2140), '2.14 s');
    assert.equal(formatDuration(12_500), '12.5 s');
    assert.equal(formatDuration(95_000), '1.6 min');
    assert.equal(formatDuration(Number.NaN), '—');
  });

  it('formats shares, changes, rates and counts', () => {
    assert.equal(formatPercent(0.021), '2.1%');
    assert.equal(formatPercent(0.68), '68%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(0.0004), '<0.1%');
    assert.equal(formatChange(0.25), '+25%');
    assert.equal(formatChange(-0.104), '-10%');
    assert.equal(formatRate(34.2), '34');
    assert.equal(formatRate(0.5), '0.5');
    assert.equal(formatRate(12_400), '12.4k');
    assert.equal(formatCount(1234), '1,234');
    assert.equal(formatCount(1_500_000), '1.5M');
  });

  it('renders the figures-lens template', () => {
    const t = 'p95 ${p95} · ${errorRate} errors · ${rate}/min';
    assert.equal(renderTemplate(t, { p95: 812, errorRate: 0.021, rate: 34 }), 'p95 812 ms · 2.1% errors · 34/min');
    assert.equal(renderTemplate('${p50}/${p99} n=${count}', { p50: 3, p99: 1500, count: 12000 }), '3 ms/1.5 s n=12,000');
  });

  it('keeps unknown placeholders visible and shows missing figures as a dash', () => {
    assert.equal(renderTemplate('${p95} ${p96}', {}), '— ${p96}');
    assert.deepEqual(unknownTemplateFields('${p95} ${p96} ${rate} ${foo}'), ['p96', 'foo']);
  });

  it('builds the status bar text from engine state, rate and serious insights', () => {
    assert.equal(statusText('running', 2, 3), '$(pulse) SpanLens 120/min $(warning) 3');
    assert.equal(statusText('running', 0, 0), '$(pulse) SpanLens');
    assert.equal(statusText('error', 5, undefined), '$(error) SpanLens');
    assert.equal(statusText('starting', undefined, undefined), '$(sync~spin) SpanLens');
  });
});
