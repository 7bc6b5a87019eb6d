import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RestartPolicy } from '../../../src/engineClient/backoff';
import type { SupervisorStatus } from '../../../src/engineClient/engineSupervisor';
import { EngineSupervisor } from '../../../src/engineClient/engineSupervisor';
import { processAlive } from '../../../src/engineClient/stateFile';

/** The real engine bundle (SPANLENS_ENGINE_JS overrides, e.g. to try another build). */
const ENGINE = process.env.SPANLENS_ENGINE_JS ?? path.resolve('dist', 'engine.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, fn: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(50);
  }
}

describe('engine supervisor (real engine process)', function () {
  this.timeout(60_000);
  let storage: string;
  const supervisors: EngineSupervisor[] = [];
  const make = (name: string, extra: Partial<ConstructorParameters<typeof EngineSupervisor>[0]> = {}) => {
    const statuses: SupervisorStatus[] = [];
    const lines: string[] = [];
    const s = new EngineSupervisor({
      enginePath: ENGINE,
      storageDir: storage,
      otlpHttpPort: 0,
      otlpGrpcPort: 0,
      healthIntervalMs: 300,
      log: (_l, m) => lines.push(`${name} ${m}`),
      onStatus: (st) => statuses.push(st),
      policy: new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 400, maxRestarts: 3, windowMs: 60_000 }),
      ...extra,
    });
    supervisors.push(s);
    return { s, statuses, lines };
  };

  before(function () {
    const help = spawnSync(process.execPath, [ENGINE, 'serve', '--help'], { encoding: 'utf8' });
    if (help.status !== 0) {
      // The engine's `serve` is not in this build (yet): nothing real to supervise.
      this.skip();
    }
  });
  beforeEach(() => {
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-sup-'));
  });
  afterEach(async () => {
    for (const s of supervisors.splice(0)) {
      await s.dispose();
    }
    const state = path.join(storage, 'engine.json');
    if (fs.existsSync(state)) {
      const pid = (JSON.parse(fs.readFileSync(state, 'utf8')) as { pid: number }).pid;
      if (processAlive(pid)) {
        process.kill(pid, 'SIGKILL');
      }
    }
    fs.rmSync(storage, { recursive: true, force: true });
  });

  it('starts the engine, a second supervisor attaches, only the owner stops it', async () => {
    const a = make('A');
    const ca = await a.s.ensureStarted();
    assert.equal(ca.owned, true);
    assert.equal((await ca.api.health()).status, 'ok');
    assert.deepEqual(a.statuses, ['starting', 'running']);
    assert.ok(a.lines.some((l) => l.includes('[engine]')), 'engine output reaches the log');

    const b = make('B');
    const cb = await b.s.ensureStarted();
    assert.equal(cb.owned, false);
    assert.equal(cb.state.pid, ca.state.pid);
    assert.equal(typeof (await cb.api.stats()).spansStored, 'number');

    await b.s.dispose();
    assert.ok(processAlive(ca.state.pid), 'an attached window does not stop the engine');
    await a.s.dispose();
    await until('the owner to stop the engine', () => !processAlive(ca.state.pid));
  });

  it('restarts a crashed engine and re-attaches the other window', async () => {
    const a = make('A');
    const ca = await a.s.ensureStarted();
    const b = make('B');
    await b.s.ensureStarted();
    process.kill(ca.state.pid, 'SIGKILL');
    await until('a new engine', () => {
      const pa = a.s.connection?.state.pid;
      return a.s.status === 'running' && pa !== undefined && pa !== ca.state.pid;
    });
    const newPid = a.s.connection?.state.pid;
    await until('B to re-attach', () => b.s.status === 'running' && b.s.connection?.state.pid === newPid);
    assert.ok(a.statuses.includes('restarting'));
    assert.equal((await b.s.connection?.api.health())?.pid, newPid);
  });

  it('gives up after the bounded number of crashes and says why', async () => {
    const crashing = path.join(storage, 'crash.js');
    fs.writeFileSync(crashing, "process.stderr.write('boom: cannot open store\\n'); process.exit(3);\n");
    let gaveUp: string | undefined;
    const c = make('C', { enginePath: crashing, onGaveUp: (m) => (gaveUp = m) });
    await assert.rejects(c.s.ensureStarted(), /exited with 3 before it was ready: boom: cannot open store/);
    await until('giving up', () => gaveUp !== undefined);
    assert.equal(c.s.status, 'error');
    assert.match(gaveUp ?? '', /could not be restarted/);
    assert.equal(c.lines.filter((l) => l.includes('engine start failed')).length, 4, 'first try + 3 restarts');
  });
});
