/**
 * SpanLens code mapping: source functions ↔ runtime code objects, without language extensions. Node only (no
 * `vscode`), used by the extension host and by `spanlens-engine map`.
 *
 *   const mapper = await createMapper({ wasmDir });          // dist/ (bundled) or node_modules/@vscode/tree-sitter-wasm/wasm
 *   const doc = await mapper.mapDocument({ languageId, text, path, root });   // functions, spans, routes, keys
 *   const ws = await mapWorkspace(mapper, root);              // every file, routers/handlers/tracers linked across files
 *   const docs = linkDocuments([...ws.documents.filter((d) => d.path !== doc.path), edited]); // after an edit
 *   const result = matchCodeObjects(ws.documents, codeObjects);   // per function: code-object ids + rule
 *   const trace = mapStackTrace(exception.stacktrace, ws.documents.map((d) => d.path));
 *   canonicalRoute('/users/:id') === canonicalRoute('/users/{id}')   // '/users/{}'
 */
export type { Mapper, MapperOptions } from './mapper';
export { createMapper, defaultWasmDir, GRAMMAR_FILES, languageIdForPath, SUPPORTED_LANGUAGE_IDS } from './mapper';
export { ANY_SERVICE, linkDocuments } from './link';
export type { AmbiguousMatch, FunctionMatch, FunctionMatches, MatchResult, MatchRule } from './match';
export { MATCH_RULES, matchCodeObjects, normalizeQualified } from './match';
export type { MappedStackTrace, StackFormat, StackFrame } from './stacktrace';
export { detectStackFormat, mapStackTrace } from './stacktrace';
export { canonicalRoute, joinRoute, splitMethodRoute } from './routes';
export { matchWorkspaceFile, pythonModuleName } from './paths';
export type { WorkspaceMap, WorkspaceOptions } from './workspace';
export { listSourceFiles, mapWorkspace } from './workspace';
export type * from './types';
