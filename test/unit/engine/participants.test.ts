import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempStorage } from '../../support/engineProcess';
import { silentLogger } from '../../../src/engine/logger';
import { Participants } from '../../../src/engine/store/participants';
import { migrate } from '../../../src/engine/store/schema';
import type { SqlDb } from '../../../src/engine/store/sqlite';
import { openSqlite } from '../../../src/engine/store/sqlite';

/** A participant whose state is a large object: a list of records plus a counter. */
function participant(records: number) {
  const state = { version: 1, items: Array.from({ length: records }, (_, i) => ({ i, label: `record ${i}` })), extra: { n: records } };
  let restored: unknown;
  return { name: 'insights', state, snapshot: () => state, restore: (d: unknown) => (restored = d), restored: () => restored };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(cond(), 'timed out');
}

describe('checkpoint participants (state files)', () => {
  let storage: string;
  let db: SqlDb;
  beforeEach(() => {
    storage = tempStorage();
    db = openSqlite(join(storage, 'spanlens.db'), 'node-sqlite3-wasm');
    migrate(db);
  });
  afterEach(() => {
    db.close();
    rmSync(storage, { recursive: true, force: true });
  });

  it('saves in the background, in slices, and restores exactly what was saved', async () => {
    const parts = new Participants(storage, db, silentLogger);
    const p = participant(20_000);
    parts.add(p);
    parts.save(1_000_000, 30_000, false);
    const file = join(storage, 'state-insights.json');
    assert.equal(existsSync(file), false, 'save() returned before writing: the work happens in later turns');
    await until(() => existsSync(file));
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), p.state);
    assert.deepEqual(readdirSync(storage).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
    const again = participant(0);
    new Participants(storage, db, silentLogger).add(again);
    assert.deepEqual(again.restored(), p.state);
  });

  it('does not save again before the interval, but always when forced', () => {
    const parts = new Participants(storage, db, silentLogger);
    const p = participant(3);
    parts.add(p);
    parts.save(1_000_000, 30_000, true);
    const file = join(storage, 'state-insights.json');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).extra.n, 3);
    p.state.extra.n = 4;
    parts.save(1_010_000, 30_000, false);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).extra.n, 3, 'within the interval: not saved');
    parts.save(1_011_000, 30_000, true);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).extra.n, 4);
  });

  it('a clear while a background save runs wins: the old state is not written back', async () => {
    const parts = new Participants(storage, db, silentLogger);
    parts.add(participant(50_000));
    parts.save(1_000_000, 30_000, false);
    parts.clear();
    await new Promise((r) => setTimeout(r, 500));
    await until(() => readdirSync(storage).every((f) => !f.endsWith('.tmp')));
    assert.equal(existsSync(join(storage, 'state-insights.json')), false);
  });

  it('restores the state an older store kept in its kv table', () => {
    db.stmt('INSERT INTO kv (k, v) VALUES (?, ?)').run('participant:insights', JSON.stringify({ version: 1, old: true }));
    const p = participant(0);
    new Participants(storage, db, silentLogger).add(p);
    assert.deepEqual(p.restored(), { version: 1, old: true });
  });
});
