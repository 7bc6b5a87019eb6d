import type * as vscode from 'vscode';
import { Container } from './container';

let container: Container | undefined;

/** Kept thin on purpose: everything is built (and disposed) by the Container; no I/O here. */
export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  container = Container.create(context);
  container.logger.scoped('activate').info(`activated in ${(performance.now() - t0).toFixed(1)} ms (engine starts on first need)`);
}

export async function deactivate(): Promise<void> {
  await container?.shutdown();
  container = undefined;
}
