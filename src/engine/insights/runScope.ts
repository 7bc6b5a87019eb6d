/** An AggregateReader seen through one run: every statistic is read for that run only. */
import type { CodeObject, CodeObjectStats, RunInfo } from '../../shared/api';
import type { AggregateReader, StatsWindow } from '../model';

export class RunScopedReader implements AggregateReader {
  constructor(
    private readonly inner: AggregateReader,
    readonly runId: string,
  ) {}

  codeObjects(): CodeObject[] {
    return this.inner.codeObjects();
  }

  stats(codeObject: string, window?: StatsWindow): CodeObjectStats | undefined {
    return this.inner.stats(codeObject, { ...window, runId: this.runId });
  }

  runs(): RunInfo[] {
    return this.inner.runs().filter((r) => r.id === this.runId);
  }
}
