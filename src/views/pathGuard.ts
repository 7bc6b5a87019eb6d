import { existsSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

/**
 * True when `candidate` (absolute) is `folder` or inside it, after resolving `..` and, when the
 * files exist, symbolic links: the webview and trace data never make the host open anything else.
 */
export function isInsideFolder(folder: string, candidate: string): boolean {
  if (!path.isAbsolute(candidate) || candidate.includes('\0')) {
    return false;
  }
  const real = (p: string) => {
    const r = path.resolve(p);
    try {
      return existsSync(r) ? realpathSync.native(r) : r;
    } catch {
      return r;
    }
  };
  const f = real(folder);
  const c = real(candidate);
  const rel = path.relative(f, c);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Resolves a path from trace data or the webview to an existing file inside one of the workspace
 * folders: relative paths against each folder; absolute paths as they are, else by their last
 * segments (traces recorded on another machine or in a container). Undefined when nothing fits.
 */
export function resolveInWorkspace(folders: readonly string[], p: string, exists: (abs: string) => boolean = existsSync): string | undefined {
  if (!p || p.includes('\0')) {
    return undefined;
  }
  const norm = p.replace(/\\/g, '/');
  const candidates: string[] = [];
  if (path.isAbsolute(norm)) {
    candidates.push(norm);
  } else {
    candidates.push(...folders.map((f) => path.join(f, norm)));
  }
  const segs = norm.split('/').filter((s) => s && s !== '.');
  for (let drop = 1; drop < Math.min(segs.length, 6); drop++) {
    const tail = segs.slice(drop).join('/');
    candidates.push(...folders.map((f) => path.join(f, tail)));
  }
  for (const c of candidates) {
    const inside = folders.find((f) => isInsideFolder(f, c));
    if (inside && exists(c)) {
      return c;
    }
  }
  return undefined;
}
