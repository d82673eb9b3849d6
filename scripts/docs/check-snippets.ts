/**
 * Type-checks every TypeScript block of README.md and docs/*.md against the built package, in one
 * TypeScript program (one compiler start for all blocks). Each block becomes a module of its own
 * under `dist/docs-snippets/<doc>/`, so it must carry its imports; a block starting with a
 * `// <name>.ts` line is written as `<name>.ts`, so the other blocks of its doc can import it.
 * `docs/examples/` (the shared, visible types of the examples) is copied beside every doc's
 * blocks, importable as `./examples/<name>`. The package's entry points resolve to `dist/lib`.
 *
 * `node dist/scripts/docs/check-snippets.js` prints the errors; the test does the same in `npm test`.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../kafka/paths.js';
import { typeScriptBlocks, userDocs, type CodeBlock } from './markdown-blocks.js';

/** A compile error, located in the doc. */
export interface SnippetError {
  readonly doc: string;
  /** Line in the doc (the block's fence line + the line in the block). */
  readonly line: number;
  readonly message: string;
}

/** What the check found: how many blocks were compiled and skipped, and the errors. */
export interface SnippetReport {
  readonly compiled: number;
  readonly skipped: number;
  readonly errors: readonly SnippetError[];
}

const ENTRIES: Record<string, string> = {
  'nestjs-kafka-channels': 'dist/lib/index.d.ts',
  'nestjs-kafka-channels/core': 'dist/lib/core/index.d.ts',
  'nestjs-kafka-channels/testing': 'dist/lib/testing/index.d.ts',
  'nestjs-kafka-channels/health': 'dist/lib/nest/health/index.d.ts',
  'nestjs-kafka-channels/microservices': 'dist/lib/nest/microservices/index.d.ts',
};

/** Writes every block as a module and compiles them all in one program. Needs a build (`dist/lib`). */
export function checkSnippets(root = projectRoot): SnippetReport {
  const outDir = join(root, 'dist', 'docs-snippets');
  rmSync(outDir, { recursive: true, force: true });
  const located = new Map<string, { block: CodeBlock; offset: number }>();
  let skipped = 0;
  for (const doc of userDocs(root)) {
    const blocks = typeScriptBlocks(root, doc);
    if (blocks.length === 0) continue;
    const dir = join(outDir, blocks[0].doc.replace(/\.md$/, '').replace(/[/\\]/g, '__'));
    mkdirSync(dir, { recursive: true });
    const examples = join(root, 'docs', 'examples');
    if (existsSync(examples)) cpSync(examples, join(dir, 'examples'), { recursive: true });
    blocks.forEach((block, index) => {
      if (block.notCompiled) {
        skipped++;
        return;
      }
      const file = join(dir, `${block.fileName ?? `block-${String(index + 1).padStart(2, '0')}-line-${block.line}`}.ts`);
      // `export {}` keeps a block without imports a module, so blocks never share globals.
      writeFileSync(file, `${block.code}\nexport {};\n`);
      located.set(file, { block, offset: block.line });
    });
  }
  const files = [...located.keys()];
  const exampleFiles = listTs(outDir).filter((file) => !located.has(file));
  const program = ts.createProgram([...files, ...exampleFiles], {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['node'],
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    esModuleInterop: true,
    noEmit: true,
    typeRoots: [join(root, 'node_modules', '@types')],
    paths: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, [join(root, path)]])),
  });
  const errors: SnippetError[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const file = diagnostic.file?.fileName;
    const where = file === undefined ? undefined : located.get(file);
    if (!diagnostic.file || !where) {
      errors.push({ doc: file ?? '(program)', line: 0, message: `TS${diagnostic.code}: ${message}` });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    errors.push({ doc: where.block.doc, line: where.offset + line + 1, message: `TS${diagnostic.code}: ${message}` });
  }
  return { compiled: files.length, skipped, errors };
}

function listTs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
}

if (process.argv[1]?.endsWith('check-snippets.js')) {
  const report = checkSnippets();
  for (const e of report.errors) process.stdout.write(`${e.doc}:${e.line} ${e.message}\n`);
  process.stdout.write(`${report.compiled} blocks compiled, ${report.skipped} not compiled (marked), ${report.errors.length} errors\n`);
  process.exitCode = report.errors.length > 0 ? 1 : 0;
}
