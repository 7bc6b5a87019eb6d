/** `spanlens-engine serve`: run the engine until SIGTERM/SIGINT. */
import { join } from 'node:path';
import { ENGINE_NAME } from '../../shared/constants';
import { createLogger, pipeOrFileSink } from '../logger';
import { engineParts } from '../parts';
import { applyRuntimeFlags, describeRuntimeFlags } from '../runtimeFlags';
import { startEngine } from '../server';
import { COMMON_HELP, configFrom, parse, port } from './args';
import type { Command } from './command';

const HELP = `${ENGINE_NAME} serve [options]

Runs the engine: OTLP receivers, store, analyzers and query API. Writes engine.json (mode 0600)
with its ports and API token into the storage folder. When an engine already serves that folder,
prints where it is and exits 0.

Options:
  --host ADDR              address to bind (default 127.0.0.1)
  --otlp-http-port N       OTLP/HTTP port (default 4318, 0 = any free port)
  --otlp-grpc-port N       OTLP/gRPC port (default 4317, 0 = any free port)
  --api-port N             query API port (default 0 = any free port)
  --store-backend B        auto | node:sqlite | node-sqlite3-wasm (default auto)
${COMMON_HELP}`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the engine (OTLP receivers + store + query API)',
  help: HELP,
  async run(argv, io) {
    const p = parse(argv, { host: { type: 'string' }, 'otlp-http-port': { type: 'string' }, 'otlp-grpc-port': { type: 'string' }, 'api-port': { type: 'string' }, 'store-backend': { type: 'string' } }, false);
    if (p.values.help) {
      io.out(HELP);
      return 0;
    }
    const config = configFrom(p, {
      host: p.values.host,
      otlpHttpPort: port(p.values['otlp-http-port'], '--otlp-http-port'),
      otlpGrpcPort: port(p.values['otlp-grpc-port'], '--otlp-grpc-port'),
      apiPort: port(p.values['api-port'], '--api-port'),
      storeBackend: p.values['store-backend'],
    });
    const log = createLogger('engine', pipeOrFileSink(join(config.storage, 'engine.log')));
    // Before the store opens: `--liftoff-only` must be set before its WebAssembly is compiled.
    const flags = applyRuntimeFlags();
    const outcome = await startEngine(config, engineParts, log);
    if (outcome.kind === 'failed') {
      io.err(`${ENGINE_NAME}: ${outcome.message}`);
      return outcome.exitCode;
    }
    if (outcome.kind === 'attached') {
      const s = outcome.state;
      const text = `attached: engine ${s.version} (pid ${s.pid}) already serves ${s.storage} — query API http://${s.host}:${s.apiPort}/api/v1, OTLP/HTTP ${s.host}:${s.otlpHttpPort}, OTLP/gRPC ${s.host}:${s.otlpGrpcPort}`;
      io.out(p.values.format === 'json' ? JSON.stringify({ attached: true, pid: s.pid, host: s.host, apiPort: s.apiPort, otlpHttpPort: s.otlpHttpPort, otlpGrpcPort: s.otlpGrpcPort, storage: s.storage }) : text);
      return 0;
    }
    const { engine } = outcome;
    const s = engine.state;
    const flagsLine = describeRuntimeFlags(flags);
    if (flagsLine) {
      log.info(flagsLine);
    }
    log.info(`ready: pid ${s.pid}, OTLP/HTTP ${s.host}:${s.otlpHttpPort}, OTLP/gRPC ${s.host}:${s.otlpGrpcPort}, API ${s.host}:${s.apiPort}, storage ${s.storage}`);
    return await new Promise<number>((resolve) => {
      const onSignal = (sig: string): void => {
        log.info(`${sig} received`);
        engine.stop().then(
          () => {
            // Exit even if a library left a handle open.
            setTimeout(() => process.exit(0), 200).unref();
            resolve(0);
          },
          (e: unknown) => {
            log.error(`stop failed: ${(e as Error).stack ?? String(e)}`);
            resolve(1);
          },
        );
      };
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      process.once('SIGINT', () => onSignal('SIGINT'));
      // The extension closes our stdin (IPC pipe) when its window goes; keep running for other windows.
      process.on('uncaughtException', (e) => log.error(`uncaught: ${e.stack ?? String(e)}`));
      process.on('unhandledRejection', (e) => log.error(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));
    });
  },
};
