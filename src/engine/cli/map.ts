/**
 * `spanlens-engine map --workspace DIR [--format text|json] [--engine | --storage DIR]`: prints the code map of a
 * workspace — functions, span literals, routes and key patterns. With an engine (`--engine`: the one `serve` runs
 * with its default storage; `--storage DIR`: the one running on DIR), matches the engine's code objects and lists
 * "never reached": instrumented code with no data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeObject, CodeObjectsResponse, EngineState } from '../../shared/api';
import { API_PREFIX, ENGINE_NAME, STATE_FILE_NAME } from '../../shared/constants';
import { createMapper, matchCodeObjects, mapWorkspace } from '../../mapping/index';
import { defaultStorage } from '../config';
import type { DocumentMap, FunctionInfo, MatchResult, WorkspaceMap } from '../../mapping/index';

export const MAP_USAGE = `${ENGINE_NAME} map --workspace DIR [--format text|json] [--engine | --storage DIR]

Prints the functions of every Python, JS/TS, Go, Java and C# file under DIR with their span-name literals,
routes and code-object key patterns. With a running engine (--engine or --storage), also matches the engine's
code objects to the functions and lists instrumented code that never reached the engine.

Options:
  --workspace DIR   folder to map (required)
  --format F        text (default) or json
  --engine          use the engine running on the default storage (${defaultStorage()})
  --storage DIR     use the engine running on this storage folder (holds ${STATE_FILE_NAME})
  --help            show this help
`;

export interface MapOutput {
  out: (s: string) => void;
  err: (s: string) => void;
}

interface MapArgs {
  workspace?: string;
  format: 'text' | 'json';
  storage?: string;
  help: boolean;
}

function parseArgs(argv: string[]): MapArgs | string {
  const args: MapArgs = { format: 'text', help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      return eq >= 0 ? a.slice(eq + 1) : argv[++i];
    };
    const name = a.split('=')[0];
    if (name === '--help' || name === '-h') {
      args.help = true;
    } else if (name === '--workspace') {
      args.workspace = value();
    } else if (name === '--storage') {
      args.storage = value();
    } else if (name === '--engine') {
      args.storage = defaultStorage();
    } else if (name === '--format') {
      const f = value();
      if (f !== 'text' && f !== 'json') {
        return `--format must be text or json, not '${f ?? ''}'`;
      }
      args.format = f;
    } else {
      return `unknown option '${a}'`;
    }
  }
  return args;
}

async function fetchCodeObjects(storage: string): Promise<CodeObject[]> {
  const stateFile = path.join(storage, STATE_FILE_NAME);
  let state: EngineState;
  try {
    state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as EngineState;
  } catch (err) {
    throw new Error(`no running engine: cannot read ${stateFile} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  // An engine bound to every interface is still reached on loopback.
  const host = state.host === '0.0.0.0' || state.host === '::' || !state.host ? '127.0.0.1' : state.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${state.apiPort}${API_PREFIX}/code-objects?limit=100000`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${state.token}` }, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) {
    throw new Error(`the engine at ${url} answered ${res.status}`);
  }
  return ((await res.json()) as CodeObjectsResponse).codeObjects;
}

/** Instrumented functions (span literals or routes) that no code object matched. */
export function neverReached(docs: readonly DocumentMap[], result: MatchResult): FunctionInfo[] {
  const matched = new Set(result.functions.map((f) => f.functionId));
  for (const a of result.ambiguous) {
    a.candidates.forEach((c) => matched.add(c));
  }
  return docs.flatMap((d) => d.functions).filter((f) => (f.spans.length > 0 || f.routes.length > 0) && !matched.has(f.id));
}

function line(fn: FunctionInfo): string {
  return String(fn.range.start.line + 1).padStart(5);
}

function renderText(ws: WorkspaceMap, match: MatchResult | undefined, codeObjects: CodeObject[] | undefined): string {
  const lines: string[] = [];
  const fnCount = ws.documents.reduce((n, d) => n + d.functions.length, 0);
  lines.push(`SpanLens map of ${ws.root}: ${ws.documents.length} files, ${fnCount} functions`);
  const matchesOf = new Map((match?.functions ?? []).map((f) => [f.functionId, f.matches]));
  for (const doc of ws.documents) {
    if (doc.functions.length === 0 && doc.routes.length === 0) {
      continue;
    }
    lines.push('', `${doc.path}  [${doc.language}${doc.module ? `, ${doc.module}` : ''}${doc.hasErrors ? ', syntax errors' : ''}]`);
    for (const fn of doc.functions) {
      lines.push(`${line(fn)}  ${fn.qualifiedName}  (${fn.kind})`);
      for (const s of fn.spans) {
        lines.push(`         span   "${s.name}"${s.dynamic ? ' (template)' : ''}${s.scope !== undefined ? `  scope ${s.scope}` : ''}`);
      }
      for (const r of fn.routes) {
        lines.push(`         route  ${r.method} ${r.route}  → ${r.canonical}  (${r.framework}${r.prefixResolved ? '' : ', mount prefix unknown'})`);
      }
      if (fn.spans.length || fn.routes.length) {
        lines.push(`         keys   ${fn.keys.map((k) => k.key).join('  ')}`);
      }
      for (const m of matchesOf.get(fn.id) ?? []) {
        lines.push(`         data   ${m.codeObjectId}  (by ${m.rule})`);
      }
    }
    const unhandled = doc.routes.filter((r) => r.handlerId === undefined);
    for (const r of unhandled) {
      lines.push(`  route without a known handler: ${r.method} ${r.route}${r.handlerName ? ` → ${r.handlerName}` : ''}`);
    }
  }
  for (const e of ws.errors) {
    lines.push(`! ${e.path}: ${e.message}`);
  }
  if (match && codeObjects) {
    lines.push('', `Engine: ${codeObjects.length} code objects, ${codeObjects.length - match.unmatched.length - match.ambiguous.length} matched, ${match.ambiguous.length} ambiguous, ${match.unmatched.length} not in this workspace`);
    for (const a of match.ambiguous) {
      lines.push(`  ambiguous (${a.rule}): ${a.codeObjectId} → ${a.candidates.join(', ')}`);
    }
    const never = neverReached(ws.documents, match);
    lines.push('', `Never reached (instrumented, no data): ${never.length}`);
    for (const fn of never) {
      lines.push(`  ${fn.id}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Runs `map` with the arguments after the command name; resolves to the exit code (0 ok, 2 usage/input error). */
export async function runMap(argv: string[], io: MapOutput = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.err(`${ENGINE_NAME} map: ${args}\n\n${MAP_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(MAP_USAGE);
    return 0;
  }
  if (!args.workspace) {
    io.err(`${ENGINE_NAME} map: --workspace DIR is required\n\n${MAP_USAGE}`);
    return 2;
  }
  const root = path.resolve(args.workspace);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    io.err(`${ENGINE_NAME} map: ${root} is not a folder\n`);
    return 2;
  }
  const mapper = await createMapper();
  try {
    const ws = await mapWorkspace(mapper, root);
    let codeObjects: CodeObject[] | undefined;
    let match: MatchResult | undefined;
    if (args.storage) {
      try {
        codeObjects = await fetchCodeObjects(path.resolve(args.storage));
      } catch (err) {
        io.err(`${ENGINE_NAME} map: ${err instanceof Error ? err.message : String(err)}\n`);
        return 2;
      }
      match = matchCodeObjects(ws.documents, codeObjects);
    }
    if (args.format === 'json') {
      const json: Record<string, unknown> = { root: ws.root, documents: ws.documents, errors: ws.errors };
      if (match) {
        json.match = match;
        json.neverReached = neverReached(ws.documents, match).map((f) => f.id);
      }
      io.out(JSON.stringify(json, null, 2) + '\n');
    } else {
      io.out(renderText(ws, match, codeObjects));
    }
    return 0;
  } finally {
    mapper.dispose();
  }
}
