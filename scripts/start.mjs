// `npm run start`: build everything, package the VSIX, then run the engine in the foreground.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
execFileSync('npm', ['run', '--silent', 'package'], { stdio: 'inherit' });
console.log(`\nBuilt spanlens-${version}.vsix — install it with: code --install-extension spanlens-${version}.vsix\n`);
// The runtime flags the extension starts the engine with, read from their one definition.
const flags = engineRuntimeFlags(readFileSync('src/shared/constants.ts', 'utf8'));
const engine = spawn(process.execPath, [...flags, 'dist/engine.js', 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
engine.on('exit', (code) => process.exit(code ?? 0));
/** The string literals of `ENGINE_RUNTIME_FLAGS = [...]` in src/shared/constants.ts. */
function engineRuntimeFlags(source) {
  const list = /ENGINE_RUNTIME_FLAGS[^=]*=\s*\[([^\]]*)\]/.exec(source);
  if (!list) throw new Error('ENGINE_RUNTIME_FLAGS not found in src/shared/constants.ts');
  const flags = [...list[1].matchAll(/'([^']*)'/g)].map((m) => m[1]);
  if (!flags.length) throw new Error('ENGINE_RUNTIME_FLAGS in src/shared/constants.ts lists no flags in single quotes');
  return flags;
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => engine.kill(sig));
