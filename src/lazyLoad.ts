import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as LazyModule from './lazy';

export type Lazy = typeof LazyModule;

let loaded: Lazy | undefined;

/**
 * Loads dist/lazy.js (or out/src/lazy.js when running from transpiled sources) on first use. Both
 * sit next to this file's output, so the path is relative to `__dirname`; the bundler leaves the
 * runtime `require` alone.
 */
export function lazy(): Lazy {
  loaded ??= createRequire(__filename)(path.join(__dirname, 'lazy.js')) as Lazy;
  return loaded;
}
