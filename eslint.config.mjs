// Flat ESLint config. Beyond style, it enforces the walls between the three runtimes:
//   - `vscode` may not be imported in src/engine, src/shared or src/mapping (they run outside the editor);
//   - `node:*` (and Node built-ins) may not be imported in src/shared or src/views/webview (browser).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['assert', 'buffer', 'child_process', 'crypto', 'events', 'fs', 'fs/promises', 'http', 'https', 'net', 'os', 'path', 'stream', 'url', 'util', 'zlib', 'worker_threads'];
const noVscode = { name: 'vscode', message: 'The engine, mapping and shared code run outside VS Code: do not import `vscode` here.' };
const noNode = [
  { group: ['node:*'], message: 'Shared and webview code also runs in the browser: no Node built-ins.' },
];
const noNodeNames = NODE_BUILTINS.map((name) => ({ name, message: 'Shared and webview code also runs in the browser: no Node built-ins.' }));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.tsbuild/**', '.vscode-test/**', 'node_modules/**', 'test/fixtures/**', 'demo/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['src/*/wallcheck*.ts', 'src/views/webview/wallcheck*.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='eval']", message: 'No eval.' }, { selector: "NewExpression[callee.name='Function']", message: 'No new Function.' }],
      eqeqeq: ['error', 'always'],
      curly: 'error',
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/views/webview/**'], languageOptions: { globals: globals.node } },
  { files: ['src/views/webview/**/*.ts'], languageOptions: { globals: globals.browser } },
  { files: ['test/**/*.ts'], languageOptions: { globals: { ...globals.node, ...globals.mocha } } },
  {
    files: ['src/engine/**/*.ts', 'src/mapping/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/shared/**/*.ts', 'src/views/webview/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode, ...noNodeNames], patterns: noNode }] },
  },
);
