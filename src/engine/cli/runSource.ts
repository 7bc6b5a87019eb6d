/**
 * The comparison `check` and `compare` print (see cli/check.ts): from the running engine's API when
 * one serves the storage folder, else from the store opened in this process (journal replayed,
 * insights state restored).
 */
import type { RunComparison } from './check';
import { applyConfig, defaultConfig } from '../config';
import { compareWithEngine } from '../insights/compare';
import { createInsightsPart } from '../insightsPart';
import { silentLogger } from '../logger';
import { acquireLock, pidAlive, readState, releaseLock } from '../stateFile';
import { IngestPipeline } from '../store/pipeline';
import { EngineApiClient } from '../api/client';
import { EngineUnavailableError } from './engineAccess';

export async function compareInStorage(storage: string | undefined, baseline: string, candidate: string): Promise<RunComparison> {
  const config = storage ? applyConfig(defaultConfig(), { storage }, '--storage') : defaultConfig();
  const state = readState(config.storage);
  if (state && pidAlive(state.pid)) {
    const client = EngineApiClient.fromState(state, 120_000);
    const healthy = await client.health().then(
      () => true,
      () => false,
    );
    if (healthy) {
      const comparison = await client.compare(baseline, candidate);
      const candidateInsights = (await client.insights({ run: candidate })).insights;
      return { comparison, candidateInsights };
    }
  }
  const owner = acquireLock(config.storage);
  if (owner !== undefined) {
    throw new EngineUnavailableError(`another engine (pid ${owner}) holds ${config.storage} but does not answer`);
  }
  let pipeline: IngestPipeline | undefined;
  try {
    pipeline = new IngestPipeline(config, silentLogger);
    const part = createInsightsPart(pipeline.store, config, silentLogger);
    pipeline.addObserver(part.observer);
    pipeline.addParticipant(part.participant);
    pipeline.start();
    // Traces replayed from the journal reach the insights once the assembler hands them on.
    pipeline.assembler.flushAll();
    return compareWithEngine(part.engine, pipeline.store, baseline, candidate, Date.now());
  } finally {
    await pipeline?.close();
    releaseLock(config.storage);
  }
}
