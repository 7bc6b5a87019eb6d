import * as vscode from 'vscode';

/** The single "SpanLens" log channel; the user picks its level with "Developer: Set Log Level". */
export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('SpanLens', { log: true });
  }

  /** A logger whose lines carry `[component]`. */
  scoped(component: string): ScopedLogger {
    const c = this.channel;
    const p = `[${component}]`;
    return {
      trace: (m, ...a) => c.trace(`${p} ${m}`, ...a),
      debug: (m, ...a) => c.debug(`${p} ${m}`, ...a),
      info: (m, ...a) => c.info(`${p} ${m}`, ...a),
      warn: (m, ...a) => c.warn(`${p} ${m}`, ...a),
      error: (m, ...a) => c.error(`${p} ${typeof m === 'string' ? m : m.message}`, ...a),
    };
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export interface ScopedLogger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}
