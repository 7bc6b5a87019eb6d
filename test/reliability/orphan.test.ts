import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngineProcess } from '../support/engineProcess';
import { request } from '../unit/ingest/httpClient';
import { pbRequest, pbSpan } from './payloads';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system, clock ticks of 10 ms) the process has used. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

describe('reliability: the window that started the engine goes away (its stdout and stderr pipes close)', function () {
  this.timeout(60_000);

  it('the engine keeps serving, writes its log lines to engine.log in its storage folder, and does not spin on the closed pipes', async () => {
    // Every ingest is followed by a log line (the idle GC's) 200 ms later.
    const e = await startEngineProcess({ config: { idleGcAfterMs: 200, idleGcMinGrowthMB: 0 } });
    const pid = e.proc.pid!;
    try {
      e.proc.stdout!.destroy();
      e.proc.stderr!.destroy();
      for (let i = 0; i < 3; i++) {
        const r = await request(e.state.otlpHttpPort, { headers: { 'content-type': 'application/x-protobuf' }, body: pbRequest([pbSpan({ name: `after-the-window-${i}` })]) });
        assert.equal(r.status, 200);
        await sleep(700);
      }
      const before = cpuTicks(pid);
      await sleep(2000);
      const used = cpuTicks(pid) - before;
      // Quiet, an engine uses well under 0.1 s of CPU in 2 s; one caught in an error loop uses ~2 s.
      assert.ok(used < 50, `the engine used ${used * 10} ms of CPU in 2 s without any request`);
      const log = join(e.storage, 'engine.log');
      assert.ok(existsSync(log), 'engine.log written once the pipes were gone');
      assert.match(readFileSync(log, 'utf8'), /info {2}\[engine\/memory\] ingest quiet: full GC/);
      assert.equal((await e.client.health()).status, 'ok');
      // SIGTERM still stops it (an engine caught in the loop never exited).
      const code = await Promise.race([e.stop(), sleep(10_000).then(() => 'still running')]);
      assert.equal(code, 0);
    } finally {
      await e.kill9();
      e.cleanup();
    }
  });
});
