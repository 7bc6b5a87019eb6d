/**
 * How a CLI command reaches the data: through the running engine's API (state file + token) when
 * one serves the storage folder, else through an engine opened in this process for the command
 * (same API on a private loopback port, no receivers, no state file).
 */
import { EngineApiClient } from '../api/client';
import type { EngineConfig } from '../config';
import { silentLogger } from '../logger';
import { engineParts } from '../parts';
import { startEngine } from '../server';
import { pidAlive, readState } from '../stateFile';

export interface EngineAccess {
  client: EngineApiClient;
  mode: 'running' | 'local';
  close(): Promise<void>;
}

export class EngineUnavailableError extends Error {}

async function running(config: EngineConfig): Promise<EngineApiClient | undefined> {
  const s = readState(config.storage);
  if (!s || !pidAlive(s.pid)) {
    return undefined;
  }
  const client = EngineApiClient.fromState(s, 120_000);
  try {
    await client.health();
    return client;
  } catch {
    return undefined;
  }
}

export async function openEngine(config: EngineConfig): Promise<EngineAccess> {
  const client = await running(config);
  if (client) {
    return { client, mode: 'running', close: async () => undefined };
  }
  const outcome = await startEngine(config, engineParts, silentLogger, { local: true });
  if (outcome.kind === 'attached') {
    return { client: EngineApiClient.fromState(outcome.state, 120_000), mode: 'running', close: async () => undefined };
  }
  if (outcome.kind === 'failed') {
    throw new EngineUnavailableError(outcome.message);
  }
  const e = outcome.engine;
  return {
    client: new EngineApiClient('127.0.0.1', e.state.apiPort, e.state.token, 600_000),
    mode: 'local',
    close: () => e.stop(),
  };
}
