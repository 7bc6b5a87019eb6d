import * as vscode from 'vscode';
import type { EngineService } from '../engineClient/engineService';
import type { ScopedLogger } from '../logger';
import type { CodeObject, CodeObjectStats, Insight } from '../shared/api';
import { SUPPORTED_LANGUAGES } from '../shared/constants';
import type { DocumentMap, DocumentMapper, MappedFunction } from './codeMap';
import { functionAtLine } from './codeMap';
import { fetchEndpoints, fetchStatementInsights, lookupDocument } from './engineLookup';
import type { FunctionData } from './lensModel';

export interface FileData {
  map: DocumentMap;
  functions: FunctionData[];
  /** Engine has stored any spans (else "never reached" would only mean "no data yet"). */
  engineHasData: boolean;
}

/** Turns a CancellationToken into the AbortSignal the API client takes. */
export function toAbortSignal(token: vscode.CancellationToken | undefined): AbortSignal | undefined {
  if (!token) {
    return undefined;
  }
  const ac = new AbortController();
  if (token.isCancellationRequested) {
    ac.abort();
  } else {
    token.onCancellationRequested(() => ac.abort());
  }
  return ac.signal;
}

export function isSupportedDocument(doc: vscode.TextDocument): boolean {
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(doc.languageId) && (doc.uri.scheme === 'file' || doc.uri.scheme === 'vscode-remote');
}

/** Workspace-relative path with `/` separators (or the file name outside any folder). */
export function workspacePath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
}

/**
 * Source map + engine data per open document, cached by document version and by data generation
 * (bumped when the engine reports new data), shared by CodeLens, hover, status bar and panel.
 */
export class DocumentDataService implements vscode.Disposable {
  private generation = 0;
  private readonly maps = new Map<string, { version: number; map: Promise<DocumentMap> }>();
  private readonly files = new Map<string, { key: string; data: Promise<FileData | undefined> }>();
  private readonly stats = new Map<string, { generation: number; stats: Promise<CodeObjectStats | undefined> }>();
  private endpoints: { generation: number; list: Promise<CodeObject[]> } | undefined;
  private statements: { generation: number; list: Promise<Insight[]> } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly engine: EngineService,
    private readonly mapper: DocumentMapper,
    private readonly log: ScopedLogger,
  ) {
    this.subscriptions.push(
      engine.onDidChangeData(() => this.invalidate()),
      engine.onDidChangeStatus(() => this.invalidate()),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.maps.delete(d.uri.toString());
        this.files.delete(d.uri.toString());
      }),
    );
  }

  /** Drops cached engine answers (new data arrived); document maps stay. */
  invalidate(): void {
    this.generation++;
    this.files.clear();
    this.stats.clear();
    this.endpoints = undefined;
    this.statements = undefined;
  }

  mapDocument(doc: vscode.TextDocument): Promise<DocumentMap> {
    const k = doc.uri.toString();
    const hit = this.maps.get(k);
    if (hit && hit.version === doc.version) {
      return hit.map;
    }
    const map = Promise.resolve(this.mapper.mapDocument({ languageId: doc.languageId, text: doc.getText(), path: workspacePath(doc.uri) }));
    this.maps.set(k, { version: doc.version, map });
    map.catch((e: unknown) => {
      this.log.warn(`mapping ${workspacePath(doc.uri)} failed: ${(e as Error).message}`);
      this.maps.delete(k);
    });
    return map;
  }

  /** Engine data for the functions of a document; undefined while the engine is not running. */
  fileData(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<FileData | undefined> {
    const api = this.engine.api;
    if (!api) {
      this.engine.startInBackground();
      return Promise.resolve(undefined);
    }
    const k = doc.uri.toString();
    const cacheKey = `${doc.version}:${this.generation}`;
    const hit = this.files.get(k);
    if (hit && hit.key === cacheKey) {
      return hit.data;
    }
    const data = (async (): Promise<FileData | undefined> => {
      const map = await this.mapDocument(doc);
      const functions = await lookupDocument(api, map, {
        signal: toAbortSignal(token),
        endpoints: () => this.allEndpoints(),
        text: doc.getText(),
        statementInsights: () => this.statementInsights(),
      });
      const engineHasData = (this.engine.stats?.spansStored ?? 0) > 0;
      return { map, functions, engineHasData };
    })();
    this.files.set(k, { key: cacheKey, data });
    data.catch(() => {
      // a failed or cancelled fetch must not poison the cache
      if (this.files.get(k)?.data === data) {
        this.files.delete(k);
      }
    });
    return data;
  }

  /** Every endpoint the engine knows, fetched once per data generation and shared by all documents. */
  private allEndpoints(): Promise<CodeObject[]> {
    const api = this.engine.api;
    if (!api) {
      return Promise.resolve([]);
    }
    if (this.endpoints?.generation !== this.generation) {
      const list = fetchEndpoints(api);
      list.catch(() => (this.endpoints = undefined));
      this.endpoints = { generation: this.generation, list };
    }
    return this.endpoints.list;
  }

  /** N+1 / slow-query insights engine-wide (matched to SQL literals), once per data generation. */
  private statementInsights(): Promise<Insight[]> {
    const api = this.engine.api;
    if (!api) {
      return Promise.resolve([]);
    }
    if (this.statements?.generation !== this.generation) {
      const list = fetchStatementInsights(api);
      list.catch(() => (this.statements = undefined));
      this.statements = { generation: this.generation, list };
    }
    return this.statements.list;
  }

  /** Statistics of one code object, cached until new data arrives. */
  codeObjectStats(id: string, token?: vscode.CancellationToken): Promise<CodeObjectStats | undefined> {
    const api = this.engine.api;
    if (!api) {
      return Promise.resolve(undefined);
    }
    const hit = this.stats.get(id);
    if (hit && hit.generation === this.generation) {
      return hit.stats;
    }
    const stats = api.codeObjectStats(id, { signal: toAbortSignal(token) }).catch((e: unknown) => {
      this.stats.delete(id);
      throw e;
    });
    this.stats.set(id, { generation: this.generation, stats });
    return stats;
  }

  /** The function data for a mapped function of a document (by definition line). */
  async functionAt(doc: vscode.TextDocument, line: number, token?: vscode.CancellationToken): Promise<{ fn: MappedFunction; data?: FunctionData; fileData?: FileData } | undefined> {
    const map = await this.mapDocument(doc);
    const fn = functionAtLine(map, line);
    if (!fn) {
      return undefined;
    }
    const fileData = await this.fileData(doc, token);
    return { fn, fileData, data: fileData?.functions.find((f) => f.fn === fn || (f.fn.line === fn.line && f.fn.name === fn.name)) };
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) {
      s.dispose();
    }
  }
}
