import * as path from 'node:path';
import type { DocumentMap, FunctionInfo, Mapper } from '../../../src/mapping/index';
import { createMapper } from '../../../src/mapping/index';

export const FIXTURES = path.resolve('test/fixtures/mapping');

let shared: Promise<Mapper> | undefined;
/** One mapper for all mapping tests (grammars and queries load once). */
export function mapper(): Promise<Mapper> {
  shared ??= createMapper();
  return shared;
}

function fnLine(fn: FunctionInfo): string {
  const parts = [`${fn.range.start.line + 1} ${fn.qualifiedName} (${fn.kind})`];
  for (const s of fn.spans) {
    parts.push(`span ${s.name}${s.dynamic ? ' [template]' : ''} @${s.scope ?? '?'}`);
  }
  for (const r of fn.routes) {
    parts.push(`${r.method} ${r.route}${r.prefixResolved ? '' : ' [prefix?]'}`);
  }
  return parts.join(' | ');
}

/** A compact, exact rendering of a workspace map: one line per function, keyed by file. */
export function summarize(docs: readonly DocumentMap[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of docs) {
    const lines = d.functions.map(fnLine);
    for (const r of d.routes.filter((x) => x.handlerId === undefined)) {
      lines.push(`unhandled ${r.method} ${r.route} -> ${r.handlerName ?? '?'}`);
    }
    for (const s of d.orphanSpans) {
      lines.push(`orphan span ${s.name}`);
    }
    if (lines.length) {
      out[d.path] = lines;
    }
  }
  return out;
}
