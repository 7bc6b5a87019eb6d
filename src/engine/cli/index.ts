/**
 * The CLI's command table and dispatch. A module that adds a command (check, map, …) registers it
 * with one line in `commands` below.
 */
import { ENGINE_NAME } from '../../shared/constants';
import { UsageError } from './args';
import type { CliDeps } from './check';
import { CHECK_USAGE, runCheck } from './check';
import type { CliIO, Command } from './command';
import { COMPARE_USAGE, runCompare } from './compare';
import { EngineUnavailableError } from './engineAccess';
import { MAP_USAGE, runMap } from './map';
import { exportCommand, importCommand, insightsCommand, runsCommand, statsCommand } from './queryCommands';
import { compareInStorage } from './runSource';
import { serveCommand } from './serve';

/** What `check` and `compare` (cli/check.ts, cli/compare.ts) need: the runs of a storage folder. */
function runDeps(io: CliIO): CliDeps {
  return { compare: compareInStorage, stdout: (t) => io.out(t), stderr: (t) => io.err(t) };
}

export const commands: Command[] = [
  serveCommand,
  importCommand,
  statsCommand,
  insightsCommand,
  runsCommand,
  { name: 'compare', summary: 'compare two runs: p50/p95/error-rate change per code object, by impact', help: COMPARE_USAGE, run: (argv, io) => runCompare(argv, runDeps(io)) },
  { name: 'check', summary: 'CI gate: exit 1 on a regression or a listed insight between two runs', help: CHECK_USAGE, run: (argv, io) => runCheck(argv, runDeps(io)) },
  { name: 'map', summary: 'code map of a workspace: functions, span names, routes; never-reached code', help: MAP_USAGE, run: (argv, io) => runMap(argv, { out: (t) => io.out(t), err: (t) => io.err(t) }) },
  exportCommand,
];

export function usage(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return `${ENGINE_NAME} <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}

Run '${ENGINE_NAME} <command> --help' for the options of one command.
Exit codes: 0 ok, 1 check failed, 2 usage or input error.
`;
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { engineVersion } = await import('../version');
    io.out(engineVersion());
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`${ENGINE_NAME}: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${ENGINE_NAME} ${name}: ${e.message}\n\n${cmd.help}`);
      return 2;
    }
    if (e instanceof EngineUnavailableError) {
      io.err(`${ENGINE_NAME} ${name}: ${e.message}`);
      return 2;
    }
    io.err(`${ENGINE_NAME} ${name}: ${(e as Error).stack ?? String(e)}`);
    return 2;
  }
}
