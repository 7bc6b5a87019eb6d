/**
 * When to restart a crashed engine: exponential delays, and a bound on restarts within a window so a
 * broken engine does not restart forever (then the user gets a notification with "Show Log").
 */
export interface RestartPolicyOptions {
  /** First delay; doubles per consecutive crash. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Crashes allowed within `windowMs` before giving up. */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRestarts: 5,
  windowMs: 3 * 60_000,
};

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** Records a crash at `now`; returns the delay before the next start, or undefined to give up. */
  onCrash(now: number): number | undefined {
    this.crashes = this.crashes.filter((t) => now - t < this.options.windowMs);
    this.crashes.push(now);
    const n = this.crashes.length;
    if (n > this.options.maxRestarts) {
      return undefined;
    }
    return Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** (n - 1));
  }

  /** A deliberate restart or a healthy stretch starts counting afresh. */
  reset(): void {
    this.crashes = [];
  }
}
