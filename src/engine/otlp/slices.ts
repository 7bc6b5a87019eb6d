/**
 * Decoders walk big inputs as generators that yield every few hundred spans. Run synchronously
 * (tests, importers of small files) or sliced: the async runner gives the event loop a turn
 * whenever a slice has used its time budget, so one huge request never blocks the engine.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Yield points come this often (in spans); a power of two minus one, used as a mask. */
export const YIELD_MASK = 511;

/**
 * True after every `YIELD_MASK + 1` spans of a request (kept or rejected), counted over the whole
 * request: exporters send many small scope lists, so a count per list might never get there.
 */
export function atYieldPoint(kept: number, rejected: number): boolean {
  return ((kept + rejected) & YIELD_MASK) === 0;
}
/** Longest time one slice may run before the event loop gets a turn. */
export const SLICE_BUDGET_MS = 10;

export function runSync<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) {
      return step.value;
    }
  }
}

export async function runSliced<T>(steps: Generator<void, T>, budgetMs = SLICE_BUDGET_MS): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) {
      return step.value;
    }
    if (performance.now() - sliceStart >= budgetMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}
