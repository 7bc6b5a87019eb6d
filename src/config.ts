import * as vscode from 'vscode';
import type { Severity } from './shared/api';

/** Mirror of `contributes.configuration` (package.json): one field per setting. */
export interface SpanLensConfig {
  engine: {
    /** Address the OTLP receivers bind to. */
    host: string;
    /** OTLP/HTTP port (0 = any free port). */
    otlpHttpPort: number;
    /** OTLP/gRPC port (0 = any free port). */
    otlpGrpcPort: number;
    /** Storage folder; empty = the extension's global storage. */
    storagePath: string;
    /** Age limit of stored data. */
    retentionDays: number;
    /** Size limit of the store. */
    maxStorageMB: number;
  };
  codeLens: {
    enabled: boolean;
    minSeverity: Severity;
    template: string;
  };
  hover: {
    enabled: boolean;
  };
  /**
   * Insight thresholds (`spanlens.insights.*`, nested by path as declared in package.json, e.g.
   * `nPlusOne.minRepeats`): forwarded to the engine's config file (engineClient/insightSettings.ts).
   */
  insights: Record<string, unknown>;
}

const SECTION = 'spanlens';

/** Typed access to the `spanlens.*` settings. */
export const configuration = {
  get(): SpanLensConfig {
    const c = vscode.workspace.getConfiguration(SECTION);
    return {
      engine: {
        host: c.get('engine.host', '127.0.0.1'),
        otlpHttpPort: c.get('engine.otlpHttpPort', 4318),
        otlpGrpcPort: c.get('engine.otlpGrpcPort', 4317),
        storagePath: c.get('engine.storagePath', ''),
        retentionDays: c.get('engine.retentionDays', 7),
        maxStorageMB: c.get('engine.maxStorageMB', 512),
      },
      codeLens: {
        enabled: c.get('codeLens.enabled', true),
        minSeverity: c.get<Severity>('codeLens.minSeverity', 'medium'),
        template: c.get('codeLens.template', 'p95 ${p95} · ${errorRate} errors · ${rate}/min'),
      },
      hover: { enabled: c.get('hover.enabled', true) },
      insights: c.get<Record<string, unknown>>('insights') ?? {},
    };
  },

  /** True when the change touches any of the given `spanlens.` sub-sections. */
  changed(e: vscode.ConfigurationChangeEvent, ...sections: string[]): boolean {
    return sections.length === 0
      ? e.affectsConfiguration(SECTION)
      : sections.some((s) => e.affectsConfiguration(`${SECTION}.${s}`));
  },
};
