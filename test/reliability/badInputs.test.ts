import * as assert from 'node:assert/strict';
import type { EngineProcess } from '../support/engineProcess';
import { WORKLOAD_SERVICES } from '../support/otelSdk';
import type { Attempt, BadInput } from './corpus';
import { buildCorpus } from './corpus';
import { assertIntact, fingerprint, portsOf, seed, spanCount, startEngine } from './engine';
import { BAD_SERVICE } from './payloads';
import { tally } from './tally';

/** The engine's OTLP/HTTP request timeout in this suite; a trickled request must end within TRICKLE_LIMIT_MS. */
const REQUEST_TIMEOUT_MS = 2_000;
const TRICKLE_LIMIT_MS = REQUEST_TIMEOUT_MS + 3_000;

function judge(c: BadInput, a: Attempt): string | undefined {
  const e = c.expect;
  if (!e.status.includes(a.status)) {
    return `status ${String(a.status)} (expected ${e.status.join(' or ')}): ${a.reason.slice(0, 300)}`;
  }
  if (e.rejected !== undefined && a.rejected !== e.rejected) {
    return `rejected ${a.rejected} (expected ${e.rejected}): ${a.reason.slice(0, 300)}`;
  }
  if (e.reason && !e.reason.test(a.reason)) {
    return `reason '${a.reason.slice(0, 300)}' does not match ${String(e.reason)}`;
  }
  return e.check?.(a);
}

describe('reliability: bad inputs against the running engine (OTLP/HTTP and OTLP/gRPC)', function () {
  this.timeout(60_000);
  const corpus = buildCorpus({ trickleLimitMs: TRICKLE_LIMIT_MS });
  let engine: EngineProcess;
  let seeded: Map<string, number>;

  before(async () => {
    engine = await startEngine({ config: { requestTimeoutMs: REQUEST_TIMEOUT_MS } });
    await seed(engine);
    seeded = await fingerprint(engine, WORKLOAD_SERVICES);
    assert.ok(seeded.size >= 10, `seeded code objects: ${seeded.size}`);
  });
  after(async () => {
    if (engine) {
      await engine.stop();
      engine.cleanup();
    }
  });

  it(`has at least 50 cases over both transports (${corpus.length})`, () => {
    assert.ok(corpus.length >= 50);
    assert.ok(corpus.some((c) => c.transport === 'OTLP/gRPC') && corpus.some((c) => c.transport === 'OTLP/HTTP'));
  });

  for (const c of corpus) {
    it(`${c.transport} ${c.name} → ${c.expect.status.join('/')}`, async () => {
      const storedBefore = c.stores ? await spanCount(engine, BAD_SERVICE, c.stores.name) : 0;
      tally.inputsTried++;
      const attempt = await c.run(portsOf(engine));
      const wrong = judge(c, attempt);
      assert.equal(wrong, undefined, wrong);
      if (c.stores) {
        assert.equal(await spanCount(engine, BAD_SERVICE, c.stores.name), storedBefore + c.stores.count, `the good spans of '${c.name}' are stored`);
      }
      await assertIntact(engine, seeded, WORKLOAD_SERVICES, c.name);
      assert.equal(engine.proc.exitCode, null, 'the engine is still running');
      tally.inputsAsDocumented++;
    });
  }

  it('ends with the engine up, the seed intact and every rejection counted', async () => {
    await assertIntact(engine, seeded, WORKLOAD_SERVICES, 'after the corpus');
    const stats = await engine.client.stats();
    assert.ok(stats.spansRejected >= 20_000, `spansRejected ${stats.spansRejected}`);
    assert.doesNotMatch(engine.output(), /uncaught|unhandled rejection|FATAL/i);
  });
});
