/**
 * Database statements in source: an N+1 or slow-query insight names the statement (`figures.statement`,
 * normalized by the engine), and the function whose string literal holds that query is where the
 * developer fixes it — even when the DB span itself carries no code location. Pure.
 */
import type { Insight } from '../shared/api';
import type { DocumentMap } from './codeMap';

/** Literals, numbers and bind parameters (`$1`, `?`, `:name`, `%s`, `%(name)s`, `@p1`) → `?`; whitespace collapsed. */
export function normalizeSql(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/%\(\w+\)s|%s|\$\d+|:[A-Za-z_]\w*|@\w+|\?/g, '?')
    .replace(/\b\d+(\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),=<>])\s*/g, '$1')
    .replace(/;\s*$/, '')
    .trim()
    .toLowerCase();
}

const LITERAL = /("""[\s\S]*?"""|'''[\s\S]*?'''|`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')/g;
const SQL_START = /^\s*(select|insert|update|delete|with|merge|upsert|replace)\b/i;

/** SQL-looking string literals of a text, normalized. */
export function sqlLiterals(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(LITERAL)) {
    const raw = m[1];
    const body = raw.startsWith('"""') || raw.startsWith("'''") ? raw.slice(3, -3) : raw.slice(1, -1);
    if (SQL_START.test(body)) {
      out.push(normalizeSql(body.replace(/\$\{[^}]*\}/g, '?')));
    }
  }
  return out;
}

/** Types whose figures name a statement that source can hold. */
const STATEMENT_TYPES = new Set(['nPlusOne', 'slowQuery']);

/**
 * Per function index, the statement insights whose query is a literal in that function's body
 * (the innermost function when nested).
 */
export function attributeStatements(map: DocumentMap, text: string, insights: readonly Insight[]): Map<number, Insight[]> {
  const out = new Map<number, Insight[]>();
  const withStatement = insights.filter((i) => STATEMENT_TYPES.has(i.type) && typeof i.figures.statement === 'string');
  if (withStatement.length === 0) {
    return out;
  }
  const lines = text.split(/\r?\n/);
  const literalsByFn = map.functions.map((f) => new Set(sqlLiterals(lines.slice(f.line, f.endLine + 1).join('\n'))));
  for (const ins of withStatement) {
    const stmt = normalizeSql(ins.figures.statement as string);
    let best = -1;
    literalsByFn.forEach((lits, i) => {
      if (lits.has(stmt) && (best < 0 || map.functions[i].line >= map.functions[best].line)) {
        best = i;
      }
    });
    if (best >= 0) {
      out.set(best, [...(out.get(best) ?? []), ins]);
    }
  }
  return out;
}
