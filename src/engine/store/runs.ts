/**
 * Runs: which run a span belongs to. An explicit `spanlens.run.id` resource attribute wins, then a
 * VCS revision (`vcs.ref.head.revision`, `scm.commit.id`), then `service.version`; an import gets a
 * run of its own; everything else goes to the default run.
 */
import type { RunInfo, RunSource } from '../../shared/api';
import * as sc from '../../shared/semconv';
import type { Resource } from '../model';

export const DEFAULT_RUN_ID = 'default';

export interface RunRef {
  id: string;
  label: string;
  source: RunSource;
}

function attr(r: Resource, key: string): string | undefined {
  const v = r.attributes[key];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function runOfResource(r: Resource): RunRef {
  const explicit = attr(r, sc.ATTR_SPANLENS_RUN_ID);
  if (explicit) {
    return { id: explicit, label: explicit, source: 'explicit' };
  }
  const rev = attr(r, sc.ATTR_VCS_REF_HEAD_REVISION) ?? attr(r, sc.ATTR_SCM_COMMIT_ID);
  if (rev) {
    return { id: `rev:${rev}`, label: `revision ${rev.slice(0, 12)}`, source: 'vcs' };
  }
  const version = attr(r, sc.ATTR_SERVICE_VERSION);
  if (version) {
    return { id: `version:${version}`, label: `version ${version}`, source: 'service.version' };
  }
  return { id: DEFAULT_RUN_ID, label: 'Default run', source: 'default' };
}

/** A fresh run for one import: `import-20260101-120000-ab12`. */
export function newImportRun(fileName?: string, now = new Date()): RunRef {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const rand = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  const id = `import-${stamp}-${rand}`;
  return { id, label: fileName ? `Import of ${fileName}` : `Import ${now.toISOString().slice(0, 19).replace('T', ' ')}`, source: 'import' };
}

/** In-memory run registry with persistence hooks (rows are numbered for compact aggregate keys). */
export interface RunEntry extends RunRef {
  no: number;
  services: Set<string>;
  spans: number;
  firstSeen: number;
  lastSeen: number;
  dirty: boolean;
}

export function runInfo(e: RunEntry): RunInfo {
  return { id: e.id, label: e.label, source: e.source, services: [...e.services].sort(), spans: e.spans, firstSeen: e.firstSeen, lastSeen: e.lastSeen };
}
