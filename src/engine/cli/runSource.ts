/**
 * The RunSource `check` and `compare` read (see cli/check.ts): the store opened in this process
 * (journal replayed, insights state restored) when no engine runs, else a snapshot of the running
 * engine's aggregates for every run, fetched through its API.
 */
import type { CodeObject, CodeObjectStats, Insight, RunInfo } from '../../shared/api';
import type { EngineApiClient } from '../api/client';
import { EngineApiClient as Client } from '../api/client';
import { applyConfig, defaultConfig } from '../config';
import { createInsightsPart } from '../insightsPart';
import { silentLogger } from '../logger';
import type { AggregateReader, StatsWindow } from '../model';
import { pidAlive, acquireLock, readState, releaseLock } from '../stateFile';
import { IngestPipeline } from '../store/pipeline';
import type { RunSource } from './check';
import { EngineUnavailableError } from './engineAccess';

/** An AggregateReader over statistics fetched up front (per code object, all data and per run). */
class PrefetchedReader implements AggregateReader {
  constructor(
    private readonly cos: CodeObject[],
    private readonly runList: RunInfo[],
    private readonly byRun: Map<string, Map<string, CodeObjectStats>>,
    private readonly all: Map<string, CodeObjectStats>,
  ) {}
  codeObjects(): CodeObject[] {
    return this.cos;
  }
  runs(): RunInfo[] {
    return this.runList;
  }
  stats(codeObject: string, window?: StatsWindow): CodeObjectStats | undefined {
    if (window?.fromMs !== undefined || window?.toMs !== undefined) {
      return undefined;
    }
    return window?.runId !== undefined ? this.byRun.get(window.runId)?.get(codeObject) : this.all.get(codeObject);
  }
}

async function remoteSource(client: EngineApiClient): Promise<RunSource> {
  const { codeObjects } = await client.codeObjects({ limit: 100_000 });
  const { runs } = await client.runs();
  const all = new Map<string, CodeObjectStats>();
  const byRun = new Map<string, Map<string, CodeObjectStats>>(runs.map((r) => [r.id, new Map()]));
  for (const co of codeObjects) {
    const s = await client.codeObjectStats(co.id).catch(() => undefined);
    if (s) {
      all.set(co.id, s);
    }
    for (const r of runs) {
      const rs = await client.codeObjectStats(co.id, { run: r.id }).catch(() => undefined);
      if (rs) {
        byRun.get(r.id)!.set(co.id, rs);
      }
    }
  }
  const insightsByRun = new Map<string, Insight[]>();
  for (const r of runs) {
    insightsByRun.set(r.id, (await client.insights({ run: r.id })).insights);
  }
  return { reader: new PrefetchedReader(codeObjects, runs, byRun, all), insightsForRun: (id) => insightsByRun.get(id) ?? [] };
}

export async function openRunSource(storage: string | undefined): Promise<RunSource> {
  const config = storage ? applyConfig(defaultConfig(), { storage }, '--storage') : defaultConfig();
  const state = readState(config.storage);
  if (state && pidAlive(state.pid)) {
    const client = Client.fromState(state, 120_000);
    try {
      await client.health();
      return await remoteSource(client);
    } catch {
      // not answering: fall through to opening the store
    }
  }
  const owner = acquireLock(config.storage);
  if (owner !== undefined) {
    throw new EngineUnavailableError(`another engine (pid ${owner}) holds ${config.storage}`);
  }
  try {
    const pipeline = new IngestPipeline(config, silentLogger);
    const part = createInsightsPart(pipeline.store, config, silentLogger);
    pipeline.addObserver(part.observer);
    pipeline.addParticipant(part.participant);
    pipeline.start();
    // Traces replayed from the journal reach the insights once the assembler hands them on.
    pipeline.assembler.flushAll();
    return {
      reader: pipeline.store,
      insightsForRun: (runId) => part.engine.evaluateRun(pipeline.store, runId, Date.now()),
      samples: (co, run) => part.engine.samples(co, run),
      close: async () => {
        await pipeline.close();
        releaseLock(config.storage);
      },
    };
  } catch (e) {
    releaseLock(config.storage);
    throw e;
  }
}
