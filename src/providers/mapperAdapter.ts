import type { CodeObject } from '../shared/api';
import type { Mapper, DocumentMap as SourceMap } from '../mapping/index';
import { lazy } from '../lazyLoad';
import type { DocumentMap, DocumentMapper, MapInput } from './codeMap';
import { fallbackMapDocument } from './codeMap';

/**
 * The mapper the editor uses: the mapping module (src/mapping, tree-sitter, loaded from dist/lazy.js on first use)
 * adapted to the editor's DocumentMap; matching is the module's own (code.* > span literal with scope > route >
 * function name, ambiguity not guessed). The line-based fallback answers for languages the module does not parse.
 */
export function createDocumentMapper(wasmDir: string, onError?: (e: Error) => void): DocumentMapper {
  let mapper: Promise<{ m: Mapper; match: Lazy['matchCodeObjects'] } | undefined> | undefined;
  // Loaded with the first document; if tree-sitter cannot load (a damaged install), the line-based
  // fallback keeps CodeLens and hovers working and the log says why.
  const get = () =>
    (mapper ??= Promise.resolve()
      .then(async () => {
        const mod = lazy();
        return { m: await mod.createMapper({ wasmDir }), match: mod.matchCodeObjects };
      })
      .catch((e: Error) => {
        onError?.(e);
        return undefined;
      }));
  return {
    async mapDocument(input: MapInput): Promise<DocumentMap> {
      const loaded = await get();
      if (!loaded || !loaded.m.supports(input.languageId)) {
        return fallbackMapDocument(input);
      }
      try {
        const source = await loaded.m.mapDocument({ languageId: input.languageId, text: input.text, path: input.path, incremental: true });
        return toEditorMap(input, source, loaded.match);
      } catch (e) {
        onError?.(e as Error);
        return fallbackMapDocument(input);
      }
    },
  };
}

/** The editor's view of a mapped document (positions are 0-based; `line` is the name's line, decorators excluded). */
export function toEditorMap(input: MapInput, source: SourceMap, match: Lazy['matchCodeObjects']): DocumentMap {
  return {
    path: input.path,
    languageId: input.languageId,
    functions: source.functions.map((fn) => ({
      name: fn.name,
      qualifiedName: fn.qualifiedName,
      line: fn.nameRange.start.line,
      endLine: fn.range.end.line,
      nameLine: fn.nameRange.start.line,
      nameColumn: fn.nameRange.start.column,
      spanNames: fn.spans.map((s) => s.name),
      routes: fn.routes.map((r) => ({ method: r.method, path: r.route })),
      keys: fn.keys.map((k) => k.key),
    })),
    match(codeObjects: readonly CodeObject[]) {
      const index = new Map(source.functions.map((f, i) => [f.id, i]));
      const byId = new Map(codeObjects.map((c) => [c.id, c]));
      const out = new Map<number, CodeObject[]>();
      for (const f of match([source], codeObjects).functions) {
        const i = index.get(f.functionId);
        if (i !== undefined) {
          out.set(i, f.matches.map((m) => byId.get(m.codeObjectId)).filter((c): c is CodeObject => !!c));
        }
      }
      return out;
    },
  };
}

type Lazy = ReturnType<typeof lazy>;
