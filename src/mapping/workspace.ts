/**
 * Maps every supported source file of a folder and links them (router prefixes, handlers and tracers across files).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { linkDocuments } from './link';
import type { Mapper } from './mapper';
import { languageIdForPath } from './mapper';
import { toPosix } from './paths';
import type { DocumentMap } from './types';

/** Folders that hold dependencies, build output or tooling, never the user's own code. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', 'env', '__pycache__', '.tox', '.mypy_cache', 'dist', 'out', 'build', 'bin', 'obj', 'target', 'vendor', '.idea', '.vscode', '.next', 'coverage']);

export interface WorkspaceOptions {
  /** Files larger than this are skipped (default 1 MiB: generated code, bundles). */
  maxFileBytes?: number;
  /** Stop after this many files (default 20,000). */
  maxFiles?: number;
}

export interface WorkspaceMap {
  root: string;
  /** Linked maps, one per source file, sorted by path (workspace-relative, `/` separators). */
  documents: DocumentMap[];
  /** Files that could not be read or parsed, with the reason. */
  errors: { path: string; message: string }[];
}

/** Workspace-relative paths of the source files the mapper parses, sorted. */
export async function listSourceFiles(root: string, options: WorkspaceOptions = {}): Promise<string[]> {
  const maxFiles = options.maxFiles ?? 20_000;
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (out.length >= maxFiles) {
        return;
      }
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) {
          await walk(full);
        }
      } else if (e.isFile() && languageIdForPath(e.name) && !e.name.endsWith('.d.ts')) {
        out.push(toPosix(path.relative(root, full)));
      }
    }
  }
  await walk(root);
  return out.sort();
}

function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/**
 * The dotted module of a Python file inside a package: the package root is the parent of the topmost folder of an
 * unbroken chain of `__init__.py` folders. Undefined outside packages (the path heuristic then decides).
 */
export function pythonModuleFromPackages(rel: string, packages: ReadonlySet<string>): string | undefined {
  let dir = dirOf(rel);
  if (!packages.has(dir)) {
    return undefined;
  }
  while (dir !== '' && packages.has(dirOf(dir)) && dirOf(dir) !== dir) {
    dir = dirOf(dir);
  }
  const top = dirOf(dir);
  const inside = top === '' ? rel : rel.slice(top.length + 1);
  return inside
    .replace(/\.pyi?$/, '')
    .replace(/(^|\/)__init__$/, '')
    .split('/')
    .join('.');
}

/** Maps and links every source file under `root`. A file that fails is listed in `errors`; the others still map. */
export async function mapWorkspace(mapper: Mapper, root: string, options: WorkspaceOptions = {}): Promise<WorkspaceMap> {
  const maxBytes = options.maxFileBytes ?? 1024 * 1024;
  const files = await listSourceFiles(root, options);
  const packages = new Set(files.filter((f) => /(^|\/)__init__\.py$/.test(f)).map(dirOf));
  const documents: DocumentMap[] = [];
  const errors: { path: string; message: string }[] = [];
  for (const rel of files) {
    const full = path.join(root, rel);
    try {
      const stat = await fs.stat(full);
      if (stat.size > maxBytes) {
        errors.push({ path: rel, message: `skipped: ${stat.size} bytes is over the ${maxBytes}-byte limit` });
        continue;
      }
      const text = await fs.readFile(full, 'utf8');
      const module = rel.endsWith('.py') ? pythonModuleFromPackages(rel, packages) : undefined;
      documents.push(await mapper.parseDocument({ languageId: languageIdForPath(rel)!, text, path: rel, ...(module !== undefined ? { module } : {}) }));
    } catch (err) {
      errors.push({ path: rel, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return { root, documents: linkDocuments(documents), errors };
}
