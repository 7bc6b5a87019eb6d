import type { DocumentMapper, MapInput } from './codeMap';
import { fallbackMapDocument } from './codeMap';

/**
 * The mapper the editor uses. The mapping module (src/mapping, tree-sitter) plugs in here; until it
 * covers a language the line-based fallback answers for Python and JS/TS.
 */
export function createDocumentMapper(_wasmDir: string): DocumentMapper {
  return {
    mapDocument: (input: MapInput) => fallbackMapDocument(input),
  };
}
