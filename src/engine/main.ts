#!/usr/bin/env node
/**
 * spanlens-engine: the SpanLens analysis engine (OTLP receivers, store, analyzers, query API) and its
 * command line. Entry point of dist/engine.js; the commands live in ./cli.
 */
import { processIO } from './cli/command';
import { runCli } from './cli/index';

runCli(process.argv.slice(2), processIO).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
