/** Command-line parsing shared by the subcommands (node:util parseArgs, strict). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EngineConfig } from '../config';
import { applyConfig, ConfigError, defaultConfig, loadConfigFile } from '../config';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  storage: { type: 'string' },
  config: { type: 'string' },
  format: { type: 'string' },
};

export const COMMON_HELP = `  --storage DIR        storage folder (default ~/.spanlens)
  --config FILE        engine config file (JSON)
  --format text|json   output format (default text)
  -h, --help           show this help`;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: OptionSpec, allowPositionals: boolean): Parsed {
  try {
    const r = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function outputFormat(p: Parsed, allowed: string[] = ['text', 'json']): string {
  const f = (p.values.format as string | undefined) ?? 'text';
  if (!allowed.includes(f)) {
    throw new UsageError(`--format must be ${allowed.join(' or ')}, got '${f}'`);
  }
  return f;
}

export function port(v: unknown, flag: string): number | undefined {
  if (v === undefined) {
    return undefined;
  }
  const s = String(v);
  if (!/^\d+$/.test(s) || Number(s) > 65535) {
    throw new UsageError(`${flag} must be a port number 0-65535, got '${s}'`);
  }
  return Number(s);
}

/** Defaults ← config file ← flags. */
export function configFrom(p: Parsed, flags: Record<string, unknown> = {}): EngineConfig {
  try {
    let c = defaultConfig();
    if (typeof p.values.config === 'string') {
      c = loadConfigFile(c, resolve(p.values.config));
    }
    const overrides: Record<string, unknown> = { ...flags };
    if (typeof p.values.storage === 'string') {
      overrides.storage = p.values.storage;
    }
    for (const k of Object.keys(overrides)) {
      if (overrides[k] === undefined) {
        delete overrides[k];
      }
    }
    return applyConfig(c, { engine: overrides }, 'command line');
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new UsageError(e.message);
    }
    throw e;
  }
}
