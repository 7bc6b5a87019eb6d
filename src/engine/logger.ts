/**
 * Component-prefixed log lines on stdout/stderr (`2026-01-01T00:00:00.000Z info  [store] text`).
 * The extension forwards both streams to its "SpanLens" output channel.
 */
import { appendFileSync, renameSync, statSync } from 'node:fs';

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

/**
 * The serve command's sink: stdout and stderr while someone reads them, then `file`. The extension
 * pipes both streams into its output channel; when its window goes, the engine keeps running for the
 * other windows and the pipes break (EPIPE). Unhandled, that error was logged as uncaught, which wrote
 * to the broken pipe again: a loop at 100 % CPU that not even SIGTERM ended. The file keeps the last
 * `maxBytes` or so (the previous lines move to `file.1`).
 */
export function pipeOrFileSink(file: string, maxBytes = 1024 * 1024): LogSink {
  const gone = new Set<NodeJS.WriteStream>();
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => gone.add(stream));
  }
  let size = -1;
  return (level, line) => {
    const stream = level === 'info' ? process.stdout : process.stderr;
    if (!gone.has(stream) && !stream.destroyed) {
      stream.write(line + '\n');
      return;
    }
    try {
      if (size < 0) {
        size = fileSize(file);
      }
      if (size > maxBytes) {
        renameSync(file, `${file}.1`);
        size = 0;
      }
      appendFileSync(file, line + '\n', { mode: 0o600 });
      size += Buffer.byteLength(line) + 1;
    } catch {
      // Nowhere left to write: the line is dropped rather than the engine stopped.
    }
  };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** A logger that drops everything (library use, tests that don't look at logs). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
