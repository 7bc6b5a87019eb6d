/**
 * The running engine as the reliability tier uses it: started through the shared engine-process
 * helper (real `node dist/engine.js serve`, loopback, ports 0), seeded with data sent by the real
 * OpenTelemetry SDK exporters, and a fingerprint of that data to prove it stays intact.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeObject } from '../../src/shared/api';
import type { EngineProcess, EngineProcessOptions } from '../support/engineProcess';
import { startEngineProcess } from '../support/engineProcess';
import { emitWorkload, makeExporter } from '../support/otelSdk';
import type { Ports } from './corpus';

/**
 * Starts the engine; `config` goes into the `engine` section of a config file (e.g. a short
 * `requestTimeoutMs` or `checkpointIntervalMs`) written next to the storage folder.
 */
export async function startEngine(opts: EngineProcessOptions & { config?: Record<string, unknown> } = {}): Promise<EngineProcess> {
  const args = [...(opts.args ?? [])];
  let configDir: string | undefined;
  if (opts.config) {
    configDir = mkdtempSync(join(tmpdir(), 'spanlens-rel-config-'));
    const file = join(configDir, 'engine-config.json');
    writeFileSync(file, JSON.stringify({ engine: opts.config }));
    args.push('--config', file);
  }
  const e = await startEngineProcess({ ...opts, args });
  const cleanup = e.cleanup;
  e.cleanup = () => {
    cleanup();
    if (configDir) {
      rmSync(configDir, { recursive: true, force: true });
    }
  };
  return e;
}

export function portsOf(e: EngineProcess): Ports {
  return { http: e.state.otlpHttpPort, grpc: e.state.otlpGrpcPort };
}

/** Sends the SDK workload through the real OTLP/HTTP protobuf and OTLP/gRPC exporters. */
export async function seed(e: EngineProcess): Promise<number> {
  const http = await emitWorkload(makeExporter('proto', `http://127.0.0.1:${e.state.otlpHttpPort}/v1/traces`, { gzip: true }), { traces: 6, seed: 11, startMs: Date.now() - 120_000 });
  const grpc = await emitWorkload(makeExporter('grpc', `http://127.0.0.1:${e.state.otlpGrpcPort}`), { traces: 6, seed: 12, startMs: Date.now() - 60_000 });
  return http.spans + grpc.spans;
}

/** `id → count` of every code object of the seeded services. */
export async function fingerprint(e: EngineProcess, services: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const service of services) {
    const r = await e.client.codeObjects({ service, limit: 1000 });
    for (const co of r.codeObjects as CodeObject[]) {
      out.set(co.id, co.count);
    }
  }
  return out;
}

/** Health answers and every seeded code object still has its count. */
export async function assertIntact(e: EngineProcess, before: Map<string, number>, services: readonly string[], context: string): Promise<void> {
  const health = await e.client.health();
  assert.equal(health.status, 'ok', `${context}: health`);
  const after = await fingerprint(e, services);
  for (const [id, count] of before) {
    assert.equal(after.get(id), count, `${context}: count of ${id} changed`);
  }
}

/** Count of the `bad-input` span code object named `name` (0 when absent). */
export async function spanCount(e: EngineProcess, service: string, name: string): Promise<number> {
  const r = await e.client.codeObjects({ service, limit: 1000 });
  return (r.codeObjects as CodeObject[]).filter((c) => c.kind === 'span' && c.name === name).reduce((n, c) => n + c.count, 0);
}
