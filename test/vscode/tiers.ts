/**
 * `npm test` after typecheck and lint: runs each test tier (an npm script) in turn, streams its output, reads
 * mocha's "N passing / N failing / N pending" lines, and ends with one line summing every tier:
 * `N passed, N failed, N skipped`. Every tier runs even when an earlier one failed; exit code 1 if any failed.
 *   node out/test/vscode/tiers.js test:unit test:integration test:e2e
 */
import { spawn } from 'node:child_process';
import { repoRoot } from './paths';

export interface TierResult {
  script: string;
  passed: number;
  failed: number;
  skipped: number;
  exitCode: number;
  seconds: number;
}

/** Sums mocha's closing lines (a tier may run mocha more than once). */
export function parseMochaSummary(output: string): { passed: number; failed: number; skipped: number; found: boolean } {
  // eslint-disable-next-line no-control-regex
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const sum = (re: RegExp) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  const passed = sum(/^\s*(\d+) passing\b/gm);
  const failed = sum(/^\s*(\d+) failing\b/gm);
  const skipped = sum(/^\s*(\d+) pending\b/gm);
  return { passed, failed, skipped, found: /^\s*\d+ (passing|failing|pending)\b/m.test(text) };
}

function runTier(script: string): Promise<TierResult> {
  const started = Date.now();
  console.log(`\n=== ${script} ===`);
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
      process.stderr.write(d);
    });
    child.on('close', (code) => {
      const s = parseMochaSummary(output);
      const exitCode = code ?? 1;
      // A tier that failed before mocha could report (build error, harness error, hang) counts as one failure.
      const failed = s.failed + (exitCode !== 0 && s.failed === 0 ? 1 : 0);
      resolve({ script, passed: s.passed, failed, skipped: s.skipped, exitCode, seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function main(scripts: string[]): Promise<number> {
  const results: TierResult[] = [];
  for (const script of scripts) {
    results.push(await runTier(script));
  }
  console.log('\n=== summary ===');
  for (const r of results) {
    const status = r.exitCode === 0 ? 'ok' : `exit code ${r.exitCode}`;
    console.log(`${r.script.padEnd(20)} ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped  (${r.seconds.toFixed(1)} s, ${status})`);
  }
  const total = (k: 'passed' | 'failed' | 'skipped') => results.reduce((n, r) => n + r[k], 0);
  console.log(`${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped`);
  return results.some((r) => r.exitCode !== 0 || r.failed > 0) ? 1 : 0;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
