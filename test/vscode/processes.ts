import type { ChildProcess } from 'node:child_process';

/** Process groups still running; killed when the harness exits, however it exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Remembers a child spawned `detached` (its own process group) so it never outlives the harness. */
export function trackProcessGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (!pid) {
    return;
  }
  liveGroups.add(pid);
  child.once('exit', () => setTimeout(() => liveGroups.delete(pid), 6000));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const group of liveGroups) {
        try {
          process.kill(-group, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
}

/**
 * SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. With `group`, the signals go to the
 * child's whole process group (it must have been spawned `detached`), and the group gets a final SIGKILL.
 */
export function stopProcess(child: ChildProcess, options: { group?: boolean } = {}): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (options.group && child.pid) {
        process.kill(-child.pid, sig);
      } else {
        child.kill(sig);
      }
    } catch {
      // already gone
    }
  };
  if (child.exitCode !== null || child.signalCode !== null) {
    if (options.group) {
      signal('SIGKILL');
    }
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const kill = setTimeout(() => signal('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      if (options.group) {
        // The extension host outlives the server for its reconnection grace time: end it too.
        signal('SIGKILL');
      }
      resolve();
    });
    signal('SIGTERM');
  });
}
