/**
 * One copy of each repeated string (code-object keys, statements, flows): the traces kept for
 * analysis share them instead of each holding its own (the facts of thousands of traces are kept).
 */
const pool = new Map<string, string>();

export function intern(s: string): string;
export function intern(s: string | undefined): string | undefined;
export function intern(s: string | undefined): string | undefined {
  if (s === undefined) {
    return undefined;
  }
  const p = pool.get(s);
  if (p !== undefined) {
    return p;
  }
  if (pool.size >= 50_000) {
    pool.clear();
  }
  pool.set(s, s);
  return s;
}
