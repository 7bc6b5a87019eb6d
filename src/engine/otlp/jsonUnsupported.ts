/** Thrown when the OTLP/JSON fast path cannot (or should not) decide; the general path takes over. */
export const UNSUPPORTED = new Error('not handled by the OTLP/JSON fast path');

export function unsupported(): never {
  throw UNSUPPORTED;
}
