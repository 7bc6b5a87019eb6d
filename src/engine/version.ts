/** The engine's version: the package.json next to dist/ (or the repository root in tests). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | undefined;

export function engineVersion(): string {
  if (cached) {
    return cached;
  }
  for (const rel of ['..', '../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, rel, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'spanlens' && pkg.version) {
        return (cached = pkg.version);
      }
    } catch {
      // try the next folder up
    }
  }
  return (cached = '0.0.0');
}
