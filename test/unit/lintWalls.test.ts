import * as assert from 'node:assert/strict';
import { ESLint } from 'eslint';

/** The lint config keeps the three runtimes apart: a forbidden import must fail `npm run lint`. */
describe('lint walls between runtimes', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: process.cwd() });

  async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  it('rejects `vscode` in the engine', async () => {
    const errors = await restrictedImportErrors('src/engine/wallcheck.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n");
    assert.equal(errors.length, 1);
    assert.match(errors[0], /outside VS Code/);
  });

  it('rejects `vscode` and node:* in shared code', async () => {
    const errors = await restrictedImportErrors(
      'src/shared/wallcheck.ts',
      "import * as vscode from 'vscode';\nimport { readFileSync } from 'node:fs';\nexport const v = [vscode, readFileSync];\n",
    );
    assert.equal(errors.length, 2);
  });

  it('rejects Node built-ins in the webview', async () => {
    const errors = await restrictedImportErrors('src/views/webview/wallcheck.ts', "import * as fs from 'fs';\nexport const v = fs;\n");
    assert.equal(errors.length, 1);
    assert.match(errors[0], /browser/);
  });

  it('allows node:* in the engine', async () => {
    const errors = await restrictedImportErrors('src/engine/wallcheck.ts', "import { readFileSync } from 'node:fs';\nexport const v = readFileSync;\n");
    assert.deepEqual(errors, []);
  });
});
