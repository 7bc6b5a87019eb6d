#!/usr/bin/env node
/**
 * spanlens-engine: the SpanLens analysis engine (OTLP receivers, store, analyzers, query API).
 * Entry point of dist/engine.js. The subcommands are filled in by the engine issue.
 */
import { ENGINE_NAME } from '../shared/constants';

const USAGE = `${ENGINE_NAME} <command> [options]

Commands:
  serve      run the engine (OTLP receivers + query API)
  --help     show this help
`;

function main(argv: string[]): number {
  const [command] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`${ENGINE_NAME}: unknown command '${command}'\n\n${USAGE}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
