/**
 * Component-prefixed log lines on stdout/stderr (`2026-01-01T00:00:00.000Z info  [store] text`).
 * The extension forwards both streams to its "SpanLens" output channel.
 */

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger for a sub-component: `[engine/store]`. */
  child(component: string): Logger;
}

export type LogSink = (level: 'info' | 'warn' | 'error', line: string) => void;

const defaultSink: LogSink = (level, line) => {
  (level === 'info' ? process.stdout : process.stderr).write(line + '\n');
};

export function createLogger(component: string, sink: LogSink = defaultSink): Logger {
  const write = (level: 'info' | 'warn' | 'error', message: string): void => {
    sink(level, `${new Date().toISOString()} ${level.padEnd(5)} [${component}] ${message}`);
  };
  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    child: (sub) => createLogger(`${component}/${sub}`, sink),
  };
}

/** A logger that drops everything (library use, tests that don't look at logs). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
