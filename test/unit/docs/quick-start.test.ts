import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { typeScriptBlocks } from '../../../scripts/docs/markdown-blocks.js';
import { projectRoot } from '../../../scripts/kafka/paths.js';

// The README's quick start does not only compile (snippets.test.ts): its test passes. Its files
// are transpiled to ESM under dist/ (inside this package, so 'nestjs-kafka-channels/testing'
// resolves to the built package by name) and its spec is imported, which registers its test here.
const files = ['order.schema', 'orders', 'orders.spec'];
const blocks = typeScriptBlocks(projectRoot, join(projectRoot, 'README.md'));
const outDir = join(projectRoot, 'dist', 'docs-quick-start');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const name of files) {
  const block = blocks.find((b) => b.fileName === name);
  if (!block) throw new Error(`README.md has no quick-start block "// ${name}.ts"`);
  const { outputText } = ts.transpileModule(block.code, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  });
  // Relative imports between the quick start's files get the extension Node's ESM loader needs.
  writeFileSync(join(outDir, `${name}.mjs`), outputText.replace(/from '\.\/([\w.-]+)'/g, "from './$1.mjs'"));
}
await import(pathToFileURL(join(outDir, 'orders.spec.mjs')).href);
