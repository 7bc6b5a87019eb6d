/**
 * Entry point VS Code's extension host calls for `extensionTestsPath`: the same `run()` serves the code-server
 * runner (test/vscode/runIntegration.ts) and @vscode/test-electron (test/vscode/runElectron.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? testFiles(p) : p.endsWith('.test.js') ? [p] : [];
    });
}

export function run(): Promise<void> {
  // No colours: the output travels through the workbench's log to the runner's terminal and CI logs.
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  for (const file of testFiles(__dirname)) {
    mocha.addFile(file);
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
