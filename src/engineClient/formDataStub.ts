/**
 * Stand-in for the `form-data` package inside dist/extension.js (esbuild alias): the engine API is
 * JSON only, and form-data drags mime-db (~140 KB) into the bundle, which costs activation time.
 */
export default class FormData {
  append(): void {
    throw new Error('multipart bodies are not used by the SpanLens API client');
  }
}
