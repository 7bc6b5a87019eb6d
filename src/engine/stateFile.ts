/**
 * The storage folder's state file (`engine.json`, mode 0600: it holds the API token) and lock
 * (`engine.lock`, the owning pid). Readers: the extension, the CLI, a second engine.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineState } from '../shared/api';
import { STATE_FILE_NAME } from '../shared/constants';
import { writeFileAtomic } from './atomicFile';

export const LOCK_FILE_NAME = 'engine.lock';

export function statePath(storage: string): string {
  return join(storage, STATE_FILE_NAME);
}

export function writeState(storage: string, state: EngineState): void {
  writeFileAtomic(statePath(storage), JSON.stringify(state, null, 2) + '\n', 0o600);
}

export function readState(storage: string): EngineState | undefined {
  try {
    const s = JSON.parse(readFileSync(statePath(storage), 'utf8')) as EngineState;
    return typeof s.pid === 'number' && typeof s.apiPort === 'number' && typeof s.token === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the state file if it is still ours. */
export function removeState(storage: string, pid = process.pid): void {
  if (readState(storage)?.pid === pid) {
    rmSync(statePath(storage), { force: true });
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the storage folder's lock. Returns undefined when taken, else the pid of the live owner.
 * A lock left by a dead process is taken over.
 */
export function acquireLock(storage: string): number | undefined {
  const file = join(storage, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw e;
      }
    }
    let owner: number;
    try {
      owner = Number(readFileSync(file, 'utf8').trim());
    } catch {
      // vanished meanwhile: try again
      continue;
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
      return owner;
    }
    if (owner === process.pid) {
      return undefined;
    }
    if (!(owner > 0) && attempt < 40) {
      // Another engine created the file and is about to write its pid: wait for it.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
      continue;
    }
    // Stale (owner dead, or a file never completed): take it over.
    rmSync(file, { force: true });
  }
  throw new Error(`cannot take the lock ${file}`);
}

export function releaseLock(storage: string): void {
  const file = join(storage, LOCK_FILE_NAME);
  try {
    if (Number(readFileSync(file, 'utf8').trim()) === process.pid) {
      rmSync(file, { force: true });
    }
  } catch {
    // already gone
  }
}
