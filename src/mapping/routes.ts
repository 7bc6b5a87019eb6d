/**
 * Route templates in every framework's syntax reduced to one canonical form, applied both to the routes found in
 * source and to the `http.route` / span names the instrumentations report, so the two compare with `===`.
 *
 *   /users/{id}  /users/:id  /users/<int:id>  /users/{id:int}  users/{id?}  /users/:id(\d+)  → /users/{}
 *   /files/*  /files/*path  /files/{*path}  /files/{path...}  /files/<path:p>                → /files/{*}
 *
 * Static segments are lower-cased (ASP.NET and Express match case-insensitively), a trailing slash is dropped.
 */

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT'];

/** True for an upper- or lower-case HTTP method name. */
export function isHttpMethod(s: string): boolean {
  return HTTP_METHODS.includes(s.toUpperCase());
}

function canonicalSegment(seg: string): string {
  if (seg === '*' || seg === '**') {
    return '{*}';
  }
  // {id}, {id:int}, {id?}, {id:[0-9]+}, JAX-RS {id: [0-9]{1,4}}, {*rest}, {**rest}, {path...}, {$}
  let m = /^\{(\*{0,2})([^}:?.]*)(\.\.\.)?(?:[:?].*|[^}]*)\}$/.exec(seg);
  if (m) {
    if (seg === '{$}') {
      return '';
    }
    return m[1] || m[3] ? '{*}' : '{}';
  }
  // <id>, <int:id>, <path:rest>
  m = /^<(?:([a-z_]+):)?[^>]+>$/i.exec(seg);
  if (m) {
    return m[1] === 'path' ? '{*}' : '{}';
  }
  // :id, :id?, :id(\d+), :id*
  m = /^:[A-Za-z_$][\w$]*(\(.*\))?([?*+])?$/.exec(seg);
  if (m) {
    return m[2] === '*' || m[2] === '+' ? '{*}' : '{}';
  }
  // gin/echo catch-all: *path
  if (/^\*[A-Za-z_]\w*$/.test(seg)) {
    return '{*}';
  }
  return seg.toLowerCase();
}

/** Splits a route template into segments without breaking `{a/b}` or regex groups `:id(\d+/x)`. */
function segments(route: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of route) {
    if (ch === '{' || ch === '(' || ch === '<') {
      depth++;
    } else if ((ch === '}' || ch === ')' || ch === '>') && depth > 0) {
      depth--;
    }
    if (ch === '/' && depth === 0) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

/** The canonical form of a route template or `http.route` value (see the module comment). */
export function canonicalRoute(route: string): string {
  let r = route.trim();
  const method = /^([A-Z]+)\s+(\S.*)$/.exec(r);
  if (method && isHttpMethod(method[1])) {
    r = method[2];
  }
  if (r.startsWith('~/')) {
    r = r.slice(1);
  }
  const segs = segments(r)
    .map(canonicalSegment)
    .filter((s) => s !== '');
  return '/' + segs.join('/');
}

/** Joins a prefix and a path the way routers do: `/api` + `users/` → `/api/users/`, `` + `` → `/`. */
export function joinRoute(prefix: string, path: string): string {
  const a = prefix.replace(/\/+$/, '');
  const b = path === '' ? '' : path.startsWith('/') ? path : `/${path}`;
  const joined = a + b;
  return joined === '' ? '/' : joined.startsWith('/') ? joined : `/${joined}`;
}

/** Splits `GET /users/{id}` into method and route; undefined when the text is not of that shape. */
export function splitMethodRoute(text: string): { method: string; route: string } | undefined {
  // ASP.NET reports `http.route` without the leading slash (`api/Users/{id}`).
  const m = /^([A-Za-z]+)\s+(\S+)$/.exec(text.trim());
  if (!m || !isHttpMethod(m[1])) {
    return undefined;
  }
  return { method: m[1].toUpperCase(), route: m[2] };
}
