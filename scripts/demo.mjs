// `npm run demo [-- --screenshot FILE | --desktop]`: builds (the harness is TypeScript, transpiled to out/),
// then runs test/vscode/demo.ts. See README "Demo".
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
const { demo } = createRequire(import.meta.url)('../out/test/vscode/demo.js');
demo(process.argv.slice(2)).catch((e) => {
  console.error(`[demo] FAILED: ${e.message}`);
  process.exitCode = 1;
});
