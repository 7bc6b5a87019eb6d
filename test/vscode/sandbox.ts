import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temp folder per run holding everything VS Code, chromium and the engine would otherwise write into the
 * home folder: user data, extensions, XDG folders, a throw-away HOME, and the engine's storage.
 */
export interface Sandbox {
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly engineStorage: string;
  /** Environment for every child process: HOME and XDG_* point into the sandbox. */
  readonly env: NodeJS.ProcessEnv;
  /** Writes the user settings.json (merged over the harness defaults). */
  writeSettings(settings: Record<string, unknown>): void;
  /** Removes the folder unless SPANLENS_KEEP_TMP is set (then prints where it is). */
  dispose(): void;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'typescript.tsserver.enable': false,
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

export function createSandbox(prefix: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `spanlens-${prefix}-`));
  const dir = (name: string) => {
    const p = join(root, name);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const userDataDir = dir('user-data');
  const home = dir('home');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: dir('xdg/data'),
    XDG_CONFIG_HOME: dir('xdg/config'),
    XDG_CACHE_HOME: dir('xdg/cache'),
    XDG_STATE_HOME: dir('xdg/state'),
    XDG_RUNTIME_DIR: dir('xdg/runtime'),
  };
  // What `npm run` adds would leak into the extension host; keep the environment a user's editor would have.
  for (const key of Object.keys(env)) {
    if (key.startsWith('npm_') || key === 'ELECTRON_RUN_AS_NODE' || key.startsWith('VSCODE_')) {
      delete env[key];
    }
  }
  const sandbox: Sandbox = {
    root,
    userDataDir,
    extensionsDir: dir('extensions'),
    engineStorage: dir('engine'),
    env,
    writeSettings(settings) {
      mkdirSync(join(userDataDir, 'User'), { recursive: true });
      writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2));
    },
    dispose() {
      if (process.env.SPANLENS_KEEP_TMP) {
        console.log(`[harness] kept ${root}`);
        return;
      }
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  sandbox.writeSettings({});
  return sandbox;
}
