import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installVsix } from './codeServer';
import type { RunningEngine } from './engine';
import { engineCanServe, sendOtlpFiles, startEngine, waitForInsightTypes, waitForStoredSpans } from './engine';
import { extensionId, readManifest, repoRoot, vsixPath } from './paths';
import type { Sandbox } from './sandbox';
import { createSandbox } from './sandbox';

/** Builds the production VSIX exactly as `npm run package` does for users; returns its path. */
export function buildVsix(): string {
  const started = Date.now();
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const vsix = vsixPath();
  console.log(`[harness] built ${vsix} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return vsix;
}

/** Workspace the suites open: the demo workspace once it exists, else the harness's own small one. */
export function defaultWorkspace(): string {
  const demo = join(repoRoot, 'demo', 'workspace');
  return existsSync(demo) ? demo : join(repoRoot, 'test', 'integration', 'fixtures', 'workspace');
}

/** Recorded OTLP traces: the bundled demo traces, else the ingest fixtures; [] when neither exists yet. */
export function defaultTraces(): string[] {
  for (const dir of [join(repoRoot, 'media', 'demo'), join(repoRoot, 'test', 'fixtures', 'otlp')]) {
    if (existsSync(dir)) {
      return [dir];
    }
  }
  return [];
}

export interface SessionOptions {
  /** Short name for the temp folder. */
  name: string;
  /** Install this .vsix into the sandbox's extensions dir (what users do). */
  vsix?: string;
  /** Start the real engine and send it these OTLP files (when the engine can serve). */
  traces?: string[];
  settings?: Record<string, unknown>;
}

/** A sandbox with the extension installed, an engine holding recorded data, and matching user settings. */
export interface Session {
  readonly sandbox: Sandbox;
  readonly engine?: RunningEngine;
  /** Spans the engine stored from the recorded traces (0 without an engine). */
  readonly spansStored: number;
  /** Types of the insights the engine raised on the recorded traces. */
  readonly insightTypes: string[];
  /** dist/engine.js can serve: the extension's own engine starts and reports real ports. */
  readonly engineServes: boolean;
  /** Variables the in-editor suites read (SPANLENS_TEST_*). */
  readonly testEnv: Record<string, string>;
  dispose(): Promise<void>;
}

export async function prepareSession(options: SessionOptions): Promise<Session> {
  const sandbox = createSandbox(options.name);
  let engine: RunningEngine | undefined;
  try {
    if (options.vsix) {
      installVsix(sandbox, options.vsix);
    }
    let spansStored = 0;
    let insightTypes: string[] = [];
    const engineServes = engineCanServe();
    if (options.traces && options.traces.length > 0 && engineServes) {
      engine = await startEngine(sandbox.engineStorage, sandbox.env);
      const requests = await sendOtlpFiles(engine, options.traces);
      spansStored = (await waitForStoredSpans(engine)).spansStored;
      // The recorded demo traces plant an N+1 under list_orders: the data tiers assert it, so it must be raised.
      insightTypes = await waitForInsightTypes(engine, ['nPlusOne']);
      console.log(
        `[harness] engine on 127.0.0.1:${engine.state.apiPort} stored ${spansStored} spans from ${requests} OTLP requests; insights: ${insightTypes.join(', ') || 'none'}`,
      );
    }
    // The extension attaches to the engine through the state file in this folder; ports 0 keep an engine the
    // extension starts itself off the default 4317/4318 that other runs may hold.
    sandbox.writeSettings({
      'spanlens.engine.storagePath': sandbox.engineStorage,
      'spanlens.engine.otlpHttpPort': 0,
      'spanlens.engine.otlpGrpcPort': 0,
      ...options.settings,
    });
    const testEnv: Record<string, string> = {
      SPANLENS_TEST_EXTENSION_ID: extensionId(),
      SPANLENS_TEST_EXTENSIONS_DIR: sandbox.extensionsDir,
      SPANLENS_TEST_REPO: repoRoot,
      SPANLENS_TEST_MODE: options.vsix ? 'vsix' : 'dev',
      SPANLENS_TEST_SPANS: String(spansStored),
      SPANLENS_TEST_ENGINE_SERVES: engineServes ? '1' : '0',
      SPANLENS_TEST_INSIGHT_TYPES: insightTypes.join(','),
    };
    return {
      sandbox,
      engine,
      spansStored,
      engineServes,
      insightTypes,
      testEnv,
      async dispose() {
        await engine?.stop();
        sandbox.dispose();
      },
    };
  } catch (e) {
    await engine?.stop();
    sandbox.dispose();
    throw e;
  }
}

/**
 * The extension VS Code loads as "under development" when the installed VSIX is what is tested: an empty one,
 * so the payload's test runner starts while SpanLens itself comes from the extensions dir.
 */
export function writeTestHostExtension(sandbox: Sandbox): string {
  const dir = join(sandbox.root, 'test-host');
  mkdirSync(dir, { recursive: true });
  const { engines } = readManifest();
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'spanlens-test-host', publisher: 'spanlens-tests', version: '0.0.0', engines, description: 'Hosts the SpanLens integration suite.' }),
  );
  return dir;
}
