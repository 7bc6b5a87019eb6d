/**
 * File paths: workspace-relative module names and matching a path reported at run time (`code.filepath`, a stack
 * frame) — often absolute and from another machine or container — to a workspace file by the longest common suffix.
 */

export function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}

/**
 * `src/app/services/users.py` → `app.services.users`; `app/__init__.py` → `app`; `python-api/app/auth.py` →
 * `app.auth` (a folder that is no identifier cannot be a package, so it is the project folder, not part of the
 * module). `mapWorkspace` does better where it can see the files: the package root is above the last folder of
 * `__init__.py` files.
 */
export function pythonModuleName(relPath: string): string {
  let p = toPosix(relPath).replace(/^\.\//, '').replace(/\.pyi?$/, '');
  p = p.replace(/(^|\/)__init__$/, '');
  const parts = p.split('/').filter((s) => s !== '');
  let first = 0;
  for (let i = 0; i < parts.length - 1; i++) {
    if (!/^[A-Za-z_]\w*$/.test(parts[i])) {
      first = i + 1;
    }
  }
  const rest = parts.slice(first);
  if (rest.length > 1 && rest[0] === 'src') {
    rest.shift();
  }
  return rest.join('.');
}

/** `src/routes/users.ts` → `src/routes/users` (the key JS/TS imports are resolved by). */
export function jsModuleName(relPath: string): string {
  return toPosix(relPath)
    .replace(/^\.\//, '')
    .replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
}

/** Resolves a relative JS import (`./routes/users`) against the importing module (`src/app`). */
export function resolveJsImport(fromModule: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) {
    return undefined;
  }
  const parts = fromModule.split('/');
  parts.pop();
  for (const seg of spec.split('/')) {
    if (seg === '..') {
      parts.pop();
    } else if (seg !== '.' && seg !== '') {
      parts.push(seg);
    }
  }
  return parts.join('/').replace(/\.(c|m)?[jt]sx?$/, '');
}

function segmentsOf(p: string): string[] {
  return toPosix(p)
    .replace(/^file:\/\//, '')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

/** Number of trailing path segments two paths share (case-sensitive). */
export function commonSuffix(a: string, b: string): number {
  const x = segmentsOf(a);
  const y = segmentsOf(b);
  let n = 0;
  while (n < x.length && n < y.length && x[x.length - 1 - n] === y[y.length - 1 - n]) {
    n++;
  }
  return n;
}

/**
 * The workspace file a reported path refers to: the one sharing the longest suffix. A suffix counts when it is the
 * whole workspace-relative path or at least two segments (folder + file name), so a library's `routing.py` deep in
 * `site-packages` does not land on the workspace's own `app/routing.py`. Returns every file tied for the longest
 * suffix, so callers can report ambiguity instead of guessing.
 */
export function matchWorkspaceFile(reported: string, files: readonly string[]): string[] {
  let best = 0;
  let out: string[] = [];
  for (const f of files) {
    let n = commonSuffix(reported, f);
    if (n < 2 && n < segmentsOf(f).length) {
      n = 0;
    }
    if (n > best) {
      best = n;
      out = [f];
    } else if (n === best && n > 0) {
      out.push(f);
    }
  }
  return out;
}
