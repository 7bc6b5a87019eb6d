/**
 * ENGINE_RUNTIME_FLAGS for an engine started without them (`npx spanlens-engine serve`, `node
 * dist/engine.js serve`): `serve` sets at run time those V8 still honours then, in this process (same
 * PID, one heap), before the store opens and compiles its WebAssembly. Measured on Node 20 and 22, 3
 * starts each (docs/performance.md):
 * - `--expose-gc`: set now, it puts `gc` on contexts created after it, not on the engine's own global:
 *   the function is taken from a new context and put on `globalThis`, where the command-line flag puts
 *   it and the idle GC (store/idleGc.ts) finds it.
 * - `--liftoff-only`: V8 reads it when it compiles a WebAssembly module. Idle engine on the WebAssembly
 *   store: 113–119 → 66 MB (Node 20), 121 → 71 MB (Node 22); on the command line 67 / 72 MB.
 * - `--max-semi-space-size`: V8 sizes the young generation when it creates the heap; set later it
 *   changes nothing (new space after allocation churn 32 MB either way, 16 MB with `=8` on the command
 *   line), so it is reported as missing.
 * A flag on the command line, as `--flag`, `--flag=…` or `--no-flag`, is left as it is.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ENGINE_RUNTIME_FLAGS } from '../shared/constants';

/** Flags V8 reads only when it creates the heap. */
const AT_HEAP_CREATION = new Set(['max-semi-space-size']);

export interface RuntimeFlags {
  /** ENGINE_RUNTIME_FLAGS set here, at run time. */
  applied: string[];
  /** ENGINE_RUNTIME_FLAGS neither on the command line nor effective when set at run time. */
  missing: string[];
}

/** `--no-expose_gc=…` → `expose-gc`: V8 takes `_` for `-` and `--no-` to turn a flag off. */
function nameOf(flag: string): string {
  return flag
    .split('=')[0]
    .replace(/^--(no-)?/, '')
    .replaceAll('_', '-');
}

/** Sets the ENGINE_RUNTIME_FLAGS that `execArgv` lacks and V8 still honours; says what it did. */
export function applyRuntimeFlags(execArgv: readonly string[] = process.execArgv): RuntimeFlags {
  const given = new Set(execArgv.map(nameOf));
  const out: RuntimeFlags = { applied: [], missing: [] };
  for (const flag of ENGINE_RUNTIME_FLAGS) {
    const name = nameOf(flag);
    if (given.has(name)) {
      continue;
    }
    if (AT_HEAP_CREATION.has(name)) {
      out.missing.push(flag);
      continue;
    }
    setFlagsFromString(flag);
    out.applied.push(flag);
    if (name === 'expose-gc') {
      (globalThis as { gc?: unknown }).gc = runInNewContext('gc');
    }
  }
  return out;
}

/** The log line for `flags`, or undefined when the command line had them all. */
export function describeRuntimeFlags(flags: RuntimeFlags): string | undefined {
  if (flags.applied.length + flags.missing.length === 0) {
    return undefined;
  }
  const missing = flags.missing.length ? `; on the node command line only: ${flags.missing.join(' ')}` : '';
  return `runtime flags set at run time: ${flags.applied.join(' ') || 'none'}${missing}`;
}
