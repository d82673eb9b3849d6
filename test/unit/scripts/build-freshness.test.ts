/**
 * scripts/build-freshness.mjs (plain JavaScript, run before any build): the fingerprint of the build
 * inputs, and `npm run build` only when it changed, on a throwaway project.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../../scripts/kafka/paths.js';

interface BuildFreshness {
  buildFingerprint(root: string): string;
  distIsCurrent(root: string): boolean;
  ensureBuilt(root: string, log?: (line: string) => void): Promise<boolean>;
}

describe('build freshness', () => {
  let freshness: BuildFreshness;
  let root: string;
  const builds = () => (existsSync(join(root, 'builds.txt')) ? readFileSync(join(root, 'builds.txt'), 'utf8').length : 0);
  const setBuild = (script: string) =>
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'freshness-fixture', private: true, scripts: { build: script } }));

  before(async () => {
    freshness = (await import(pathToFileURL(join(projectRoot, 'scripts', 'build-freshness.mjs')).href)) as BuildFreshness;
    root = mkdtempSync(join(tmpdir(), 'build-freshness-'));
    mkdirSync(join(root, 'lib'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'lib', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'tsconfig.json'), '{}\n');
    // The "build" appends one character per run, so the test can count builds.
    setBuild(`node -e "require('fs').appendFileSync('builds.txt', 'x')"`);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('changes the fingerprint on an edit, a new file or a deleted one, and not on non-sources', () => {
    const base = freshness.buildFingerprint(root);
    assert.equal(freshness.buildFingerprint(root), base, 'stable');
    writeFileSync(join(root, 'lib', 'notes.md'), 'not a build input\n');
    assert.equal(freshness.buildFingerprint(root), base, 'a non-TypeScript file is not an input');
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'lib', 'a.ts'), later, later);
    const touched = freshness.buildFingerprint(root);
    assert.notEqual(touched, base, 'a touched source');
    writeFileSync(join(root, 'lib', 'b.ts'), 'export const b = 2;\n');
    const added = freshness.buildFingerprint(root);
    assert.notEqual(added, touched, 'a new source');
    rmSync(join(root, 'lib', 'b.ts'));
    assert.equal(freshness.buildFingerprint(root), touched, 'deleting it again');
    writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": {} }\n');
    assert.notEqual(freshness.buildFingerprint(root), touched, 'a tsconfig change');
  });

  it('builds when stale, not when current, and writes no stamp after a failed build', async () => {
    const quiet = () => undefined;
    const start = builds();
    assert.equal(freshness.distIsCurrent(root), false, 'no stamp yet');
    assert.equal(await freshness.ensureBuilt(root, quiet), true);
    assert.equal(builds(), start + 1);
    assert.equal(freshness.distIsCurrent(root), true);
    assert.equal(await freshness.ensureBuilt(root, quiet), true);
    assert.equal(builds(), start + 1, 'current: no second build');

    writeFileSync(join(root, 'lib', 'a.ts'), 'export const a = 2;\n');
    assert.equal(await freshness.ensureBuilt(root, quiet), true);
    assert.equal(builds(), start + 2, 'an edit rebuilds');

    setBuild('node -e "process.exit(3)"');
    assert.equal(await freshness.ensureBuilt(root, quiet), false, 'a failed build is reported');
    assert.equal(freshness.distIsCurrent(root), false, 'and leaves dist/ stale, so the next run builds again');
  });
});
