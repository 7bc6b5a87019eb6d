import type * as vscode from 'vscode';
import { Container } from './container';

let container: Container | undefined;

/** Kept thin on purpose: everything is built (and disposed) by the Container. */
export function activate(context: vscode.ExtensionContext): void {
  container = Container.create(context);
}

export async function deactivate(): Promise<void> {
  await container?.shutdown();
  container = undefined;
}
