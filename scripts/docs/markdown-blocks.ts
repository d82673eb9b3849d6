/**
 * Reads the code blocks and option tables of the user docs (README.md and docs/*.md), for the
 * tests that keep them true: every TypeScript block compiles against the built package
 * (test/unit/docs/snippets.test.ts) and every option table lists exactly what the validators
 * accept (test/unit/docs/option-tables.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The info-string word that exempts a TypeScript block from the type check. Use it rarely. */
export const NOT_COMPILED = 'not-compiled';

/** One fenced TypeScript block. */
export interface CodeBlock {
  /** The doc it is in, relative to the project root, e.g. `docs/producer.md`. */
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /**
   * The file name the block stands for when its first line is a `// <name>.ts` comment, so
   * other blocks of the same doc can import it (`./<name>`).
   */
  readonly fileName: string | undefined;
  readonly code: string;
  /** The opening fence's info string carries {@link NOT_COMPILED}. */
  readonly notCompiled: boolean;
}

/** One option table: a `<!-- options: <id> -->` comment followed by a table whose first column names the options. */
export interface OptionTable {
  readonly doc: string;
  readonly id: string;
  readonly line: number;
  /** The option names of the first column (the text inside its first backticks). */
  readonly options: readonly string[];
}

/** README.md and every docs/*.md (not docs/NOTES.md, which is for maintainers; not the generated docs/api). */
export function userDocs(root: string): string[] {
  const guides = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md') && name !== 'NOTES.md')
    .sort()
    .map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), ...guides];
}

/** The TypeScript blocks (```ts / ```typescript) of one doc. */
export function typeScriptBlocks(root: string, path: string): CodeBlock[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const doc = relative(root, path);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)\b(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    const named = /^\/\/ ([\w.-]+)\.ts\s*$/.exec(body[0] ?? '');
    blocks.push({
      doc,
      line: start + 1,
      fileName: named?.[1],
      code: body.join('\n'),
      notCompiled: open[2].split(/\s+/).includes(NOT_COMPILED),
    });
  }
  return blocks;
}

/** The option tables of one doc. */
export function optionTables(root: string, path: string): OptionTable[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const doc = relative(root, path);
  const tables: OptionTable[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- options: ([\w.-]+) -->$/.exec(lines[i].trim());
    if (!marker) continue;
    const start = i;
    while (i + 1 < lines.length && !lines[i + 1].startsWith('|')) i++;
    const options: string[] = [];
    // Header and separator rows first, then one option per row.
    for (i += 3; i < lines.length && lines[i].startsWith('|'); i++) {
      const name = /^\|\s*`([^`]+)`/.exec(lines[i]);
      if (name) options.push(name[1]);
    }
    tables.push({ doc, id: marker[1], line: start + 1, options });
  }
  return tables;
}
