/**
 * The reliability tier's counts, printed once at the end of the run (README "Reliability" quotes
 * them): bad inputs tried and answered as documented, faults survived, acknowledged data lost, and
 * how long ingest held the engine's event loop (measured, reported, not asserted: speed is for
 * benchmarks).
 */
export const tally = {
  inputsTried: 0,
  inputsAsDocumented: 0,
  faultsInjected: 0,
  faultsSurvived: 0,
  batchesAcknowledged: 0,
  spansAcknowledged: 0,
  spansLost: 0,
  /** Longest synchronous apply of one batch and longest event-loop delay seen under sustained ingest (ms). */
  longestApplyMs: 0,
  longestLoopDelayMs: 0,
};

export function reportLine(): string {
  const t = tally;
  return (
    `reliability: ${t.inputsTried} bad inputs tried, ${t.inputsAsDocumented} answered as documented; ` +
    `${t.faultsSurvived}/${t.faultsInjected} faults survived; ` +
    `${t.batchesAcknowledged} acknowledged batches (${t.spansAcknowledged} spans) checked after kill -9, ${t.spansLost} acknowledged spans lost; ` +
    `under that ingest the longest apply of one batch took ${t.longestApplyMs.toFixed(1)} ms (budget 50 ms), the longest event-loop delay was ${t.longestLoopDelayMs.toFixed(0)} ms`
  );
}
