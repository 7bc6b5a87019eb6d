/**
 * Python imports as bindings (`import a.b as c`, `from .x import y as z`), relative modules resolved against the
 * document's dotted module (a package's `__init__` counts as the package itself).
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import type { ImportBinding } from '../types';
import type { ExtractContext } from './common';

function resolveRelative(ctx: ExtractContext, moduleNode: Node): string {
  if (moduleNode.type !== 'relative_import') {
    return moduleNode.text;
  }
  const dots = /^\.+/.exec(moduleNode.text)?.[0].length ?? 0;
  const rest = moduleNode.text.slice(dots);
  const isPackage = /(^|\/)__init__\.pyi?$/.test(ctx.relPath);
  const parts = ctx.module ? ctx.module.split('.') : [];
  if (!isPackage) {
    parts.pop();
  }
  for (let i = 1; i < dots; i++) {
    parts.pop();
  }
  if (rest) {
    parts.push(rest);
  }
  return parts.join('.');
}

export function imports(ctx: ExtractContext, node: Node, out: ImportBinding[]): void {
  if (node.type === 'import_statement') {
    for (const n of node.childrenForFieldName('name')) {
      if (n?.type === 'aliased_import') {
        const mod = n.childForFieldName('name')?.text;
        const alias = n.childForFieldName('alias')?.text;
        if (mod && alias) {
          out.push({ local: alias, module: mod });
        }
      } else if (n) {
        out.push({ local: n.text, module: n.text });
      }
    }
    return;
  }
  const moduleNode = node.childForFieldName('module_name');
  if (!moduleNode) {
    return;
  }
  const module = resolveRelative(ctx, moduleNode);
  for (const n of node.childrenForFieldName('name')) {
    if (n?.type === 'aliased_import') {
      const name = n.childForFieldName('name')?.text;
      const alias = n.childForFieldName('alias')?.text;
      if (name && alias) {
        out.push({ local: alias, module, name });
      }
    } else if (n) {
      out.push({ local: n.text, module, name: n.text });
    }
  }
}
