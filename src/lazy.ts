/**
 * Entry of dist/lazy.js: the heavy libraries the extension needs only once it has work to do
 * (the HTTP client for the engine API). Kept out of dist/extension.js so loading the extension —
 * its activation — stays cheap; see lazyLoad.ts.
 */
export { default as axios } from 'axios';
/** Code mapping (tree-sitter runtime + grammars from dist/): loaded with the first supported document. */
export { createMapper, matchCodeObjects } from './mapping/index';
