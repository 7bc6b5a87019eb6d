// `npm run start`: build everything, package the VSIX, then run the engine in the foreground.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
execFileSync('npm', ['run', '--silent', 'package'], { stdio: 'inherit' });
console.log(`\nBuilt spanlens-${version}.vsix — install it with: code --install-extension spanlens-${version}.vsix\n`);
const engine = spawn(process.execPath, ['--expose-gc', 'dist/engine.js', 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
engine.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => engine.kill(sig));
