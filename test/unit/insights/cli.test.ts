import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Insight } from '../../../src/shared/api';
import { runEngineCli, tempStorage } from '../../support/engineProcess';

const DEMO = join(__dirname, '../../../../media/demo/orders-api-1.5.0.json');

describe('insights CLI without a running engine', function () {
  this.timeout(60_000);
  let storage: string;
  before(() => {
    storage = tempStorage('spanlens-insights-cli-');
  });
  after(() => {
    rmSync(storage, { recursive: true, force: true });
  });

  it('prints the insights of an imported file (the local engine evaluates before answering)', async () => {
    const imported = await runEngineCli(['import', DEMO, '--storage', storage]);
    assert.equal(imported.code, 0, imported.stderr);
    const r = await runEngineCli(['insights', '--storage', storage, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const insights = JSON.parse(r.stdout) as Insight[];
    assert.deepEqual(
      insights.filter((i) => i.type === 'nPlusOne').map((i) => i.codeObject).sort(),
      ['endpoint:orders-api:GET /users/{user_id}/orders', 'span:orders-api:opentelemetry.instrumentation.asyncpg:SELECT order_items'],
    );
  });
});
