import * as vscode from 'vscode';
import { isCancelled } from '../engineClient/apiClient';
import type { ScopedLogger } from '../logger';
import type { MappedFunction } from './codeMap';
import type { DocumentDataService } from './documentData';
import { buildHoverMarkdown, exceptionsFromInsights, hoverTrust } from './hoverMarkdown';
import { pickPrimary } from './lensModel';

const DEFINITION_TIMEOUT_MS = 1_500;

/**
 * Hover on a function name at its definition, or at a call site that resolves to it: through the
 * language extension's definition provider when there is one, else by name in the same file.
 */
export class HoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly data: DocumentDataService,
    private readonly log: ScopedLogger,
  ) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const wordRange = doc.getWordRangeAtPosition(pos, /[A-Za-z_$][\w$]*/);
    if (!wordRange) {
      return undefined;
    }
    const word = doc.getText(wordRange);
    try {
      const target = await this.resolveTarget(doc, pos, wordRange, word, token);
      if (!target || token.isCancellationRequested) {
        return undefined;
      }
      const file = await this.data.fileData(target.doc, token);
      const data = file?.functions.find((f) => f.fn.line === target.fn.line && f.fn.name === target.fn.name);
      if (!file || !data || token.isCancellationRequested) {
        return undefined;
      }
      const neverReached = data.codeObjects.length === 0 && (data.insights.some((i) => i.type === 'neverReached') || (file.engineHasData && (data.fn.spanNames.length > 0 || data.fn.routes.length > 0)));
      if (data.codeObjects.length === 0 && !neverReached) {
        return undefined;
      }
      const primary = pickPrimary(data.codeObjects);
      const stats = primary ? await this.data.codeObjectStats(primary.id, token) : undefined;
      if (token.isCancellationRequested) {
        return undefined;
      }
      const md = new vscode.MarkdownString(
        buildHoverMarkdown({
          label: target.fn.qualifiedName,
          stats,
          insights: data.insights,
          exceptions: exceptionsFromInsights(data.insights),
          neverReached,
          target: { label: target.fn.qualifiedName, codeObjects: data.codeObjects.map((c) => c.id), path: file.map.path, line: target.fn.line + 1 },
        }),
        true,
      );
      // Links may run SpanLens' own commands and nothing else.
      md.isTrusted = hoverTrust();
      md.supportHtml = false;
      return new vscode.Hover(md, wordRange);
    } catch (e) {
      if (!isCancelled(e)) {
        this.log.debug(`hover failed: ${(e as Error).message}`);
      }
      return undefined;
    }
  }

  private async resolveTarget(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    wordRange: vscode.Range,
    word: string,
    token: vscode.CancellationToken,
  ): Promise<{ doc: vscode.TextDocument; fn: MappedFunction } | undefined> {
    const map = await this.data.mapDocument(doc);
    // At the definition itself.
    const atDef = map.functions.find((f) => f.nameLine === wordRange.start.line && f.name === word);
    if (atDef) {
      return { doc, fn: atDef };
    }
    // A call site: ask the language extension where it goes.
    const defs = await withTimeout(
      Promise.resolve(vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, pos)),
      DEFINITION_TIMEOUT_MS,
    );
    if (token.isCancellationRequested) {
      return undefined;
    }
    for (const d of defs ?? []) {
      const uri = 'targetUri' in d ? d.targetUri : d.uri;
      const range = 'targetUri' in d ? (d.targetSelectionRange ?? d.targetRange) : d.range;
      if (uri.toString() === doc.uri.toString() && range.contains(pos)) {
        continue;
      }
      const targetDoc = uri.toString() === doc.uri.toString() ? doc : await vscode.workspace.openTextDocument(uri);
      const targetMap = await this.data.mapDocument(targetDoc);
      const fn = targetMap.functions.find((f) => f.name === word && Math.abs(f.nameLine - range.start.line) <= 3);
      if (fn) {
        return { doc: targetDoc, fn };
      }
    }
    // No language extension: a function of this name in the same file, when unambiguous.
    if (!defs || defs.length === 0) {
      const same = map.functions.filter((f) => f.name === word);
      if (same.length === 1) {
        return { doc, fn: same[0] };
      }
    }
    return undefined;
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.catch(() => undefined), new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

