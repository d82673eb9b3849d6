import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSnippets } from '../../../scripts/docs/check-snippets.js';

// Every ```ts block of README.md and docs/*.md compiles against the built package (one
// TypeScript program for all of them); `ts not-compiled` blocks are skipped and counted.
test('every TypeScript block in README.md and docs/*.md compiles against the built package', { timeout: 120_000 }, () => {
  const report = checkSnippets();
  const errors = report.errors.map((e) => `${e.doc}:${e.line} ${e.message}`);
  assert.deepEqual(errors, [], `${errors.length} compile errors in the docs' code blocks`);
  assert.ok(report.compiled >= 20, `only ${report.compiled} blocks compiled: is the block reader still finding them?`);
  assert.ok(report.skipped <= 3, `${report.skipped} blocks are marked not-compiled: keep that marker rare`);
});
