/**
 * Code-object keys. The engine derives them from spans and the mapping module derives the same keys
 * from source code, so "which runtime data belongs to this function" is a set intersection.
 *
 *  - span code object: `span:<service>:<scope>:<normalized span name>`
 *  - endpoint:         `endpoint:<service>:<METHOD> <route>`, `consumer:<service>:<destination>`,
 *                      `rpc:<service>:<rpc.service>/<rpc.method>`
 *  - function:         `fn:<namespace>.<function>` (or `fn:<function>` without a namespace)
 */

export type CodeObjectKind = 'span' | 'endpoint' | 'function';

export function spanKey(service: string, scope: string, spanName: string): string {
  return `span:${service}:${scope}:${spanName}`;
}

export function endpointKey(service: string, method: string, route: string): string {
  return `endpoint:${service}:${method.toUpperCase()} ${route}`;
}

export function consumerKey(service: string, destination: string): string {
  return `consumer:${service}:${destination}`;
}

export function rpcKey(service: string, rpcService: string, rpcMethod: string): string {
  return `rpc:${service}:${rpcService}/${rpcMethod}`;
}

export function functionKey(namespace: string | undefined, fn: string): string {
  return namespace ? `fn:${namespace}.${fn}` : `fn:${fn}`;
}

/** The kind of a key, from its prefix. */
export function keyKind(key: string): CodeObjectKind {
  if (key.startsWith('fn:')) {
    return 'function';
  }
  if (key.startsWith('span:')) {
    return 'span';
  }
  return 'endpoint';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC = /^\d+$/;
const HEXISH = /^(?=.*\d)[0-9a-f]{8,}$/i;

/** `/users/123/orders/9f1c…` → `/users/{id}/orders/{id}`: numeric, uuid and long hex segments become `{id}`. */
export function normalizePath(path: string): string {
  const q = path.search(/[?#]/);
  const bare = q >= 0 ? path.slice(0, q) : path;
  return bare
    .split('/')
    .map((seg) => (NUMERIC.test(seg) || UUID.test(seg) || HEXISH.test(seg) ? '{id}' : seg))
    .join('/');
}

/**
 * A span name that holds ids (`GET /users/123`) normalized: with `http.route` when known
 * (`GET /users/:id`), else by replacing id-like path segments with `{id}`.
 */
export function normalizeSpanName(name: string, httpRoute?: string): string {
  const m = /^([A-Z]+) (\/\S*)$/.exec(name);
  if (m) {
    return `${m[1]} ${httpRoute ?? normalizePath(m[2])}`;
  }
  if (name.startsWith('/')) {
    return httpRoute ?? normalizePath(name);
  }
  return name;
}
