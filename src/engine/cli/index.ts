/**
 * The CLI's command table and dispatch. A module that adds a command (check, map, …) registers it
 * with one line in `commands` below.
 */
import { ENGINE_NAME } from '../../shared/constants';
import { UsageError } from './args';
import type { CliIO, Command } from './command';
import { EngineUnavailableError } from './engineAccess';
import { compareCommand, exportCommand, importCommand, insightsCommand, runsCommand, statsCommand } from './queryCommands';
import { serveCommand } from './serve';

export const commands: Command[] = [serveCommand, importCommand, statsCommand, insightsCommand, runsCommand, compareCommand, exportCommand];

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
