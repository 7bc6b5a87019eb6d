import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineState } from '../shared/api';
import { STATE_FILE_NAME } from '../shared/constants';

export function stateFilePath(storageDir: string): string {
  return join(storageDir, STATE_FILE_NAME);
}

/**
 * Reads and validates `engine.json`. Undefined when it is missing or not a state file we understand
 * (a half-written or foreign file is treated as "no engine", never trusted partially).
 */
export async function readEngineState(storageDir: string): Promise<EngineState | undefined> {
  let text: string;
  try {
    text = await readFile(stateFilePath(storageDir), 'utf8');
  } catch {
    return undefined;
  }
  return parseEngineState(text);
}

export function parseEngineState(text: string): EngineState | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) {
    return undefined;
  }
  const s = v as Record<string, unknown>;
  const port = (p: unknown) => typeof p === 'number' && Number.isInteger(p) && p > 0 && p < 65536;
  if (
    typeof s.pid !== 'number' ||
    !port(s.apiPort) ||
    typeof s.token !== 'string' ||
    s.token.length === 0 ||
    typeof s.otlpHttpPort !== 'number' ||
    typeof s.otlpGrpcPort !== 'number'
  ) {
    return undefined;
  }
  return {
    pid: s.pid,
    version: typeof s.version === 'string' ? s.version : 'unknown',
    host: typeof s.host === 'string' ? s.host : '127.0.0.1',
    otlpHttpPort: s.otlpHttpPort,
    otlpGrpcPort: s.otlpGrpcPort,
    apiPort: s.apiPort as number,
    token: s.token,
    startedAt: typeof s.startedAt === 'number' ? s.startedAt : 0,
    storage: typeof s.storage === 'string' ? s.storage : '',
  };
}

/** True when a process with this pid exists (signal 0 probes without touching it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
