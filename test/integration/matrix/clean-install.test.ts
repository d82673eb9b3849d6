/**
 * A clean install: the packed package carries no install-time scripts, and `npm install` of the
 * tarball into a fresh Nest 11 and a fresh Nest 12 app prints no warning naming this package.
 * (Before, the shipped `prepare` script pointed at a file the tarball does not hold, and npm 11
 * printed `npm warn install-scripts ... nestjs-kafka-channels@0.1.0 (prepare: ...)`.) Warnings
 * from other packages are Nest's business: e.g. `EBADENGINE file-type@22` from
 * @nestjs/common 12 on Node 20 (see docs/compatibility.md).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageDependencies, packTarball, run, type MatrixApp } from '../../support/matrix.js';
import { NEST11_APP, NEST12_APP } from '../../support/matrix/apps.js';

/** npm lifecycle scripts that run when a package is installed (`prepare` too, for git and folder installs). */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
const PACKAGE = 'nestjs-kafka-channels';

let tarball = '';
before(async () => {
  tarball = await packTarball();
});
after(() => {
  if (tarball) rmSync(dirname(tarball), { recursive: true, force: true });
});

/** The app's runtime dependencies without this package's own (npm brings those with the tarball). */
function nestDependencies(app: MatrixApp): Record<string, string> {
  const ours = packageDependencies();
  return Object.fromEntries(Object.entries(app.dependencies).filter(([name]) => !(name in ours)));
}

/** `npm install` in a fresh folder; returns npm's `warn` lines. */
async function freshInstall(app: MatrixApp): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), `nkc-clean-${app.name}-`));
  try {
    const manifest = {
      name: `${app.name}-clean-install`,
      version: '0.0.1',
      private: true,
      dependencies: { ...nestDependencies(app), [PACKAGE]: `file:${tarball}` },
    };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    // --prefer-offline: the matrix apps already put these versions in npm's cache.
    const out = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn'], dir, process.env, 300_000);
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules', PACKAGE, 'package.json'), 'utf8')) as { version: string };
    assert.ok(installed.version, 'the package was installed');
    return out.split('\n').filter((line) => /^npm warn/i.test(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('clean install of the packed package', () => {
  it('ships no install-time lifecycle script', async () => {
    const out = await run('tar', ['-xzOf', tarball, 'package/package.json'], tmpdir());
    const scripts = (JSON.parse(out) as { scripts?: Record<string, string> }).scripts ?? {};
    assert.deepEqual(
      INSTALL_SCRIPTS.filter((name) => name in scripts),
      [],
    );
  });

  for (const app of [NEST11_APP, NEST12_APP]) {
    it(`npm install into a fresh ${app.name.split('-')[0]} app prints no warning naming this package`, { timeout: 320_000 }, async () => {
      const warnings = await freshInstall(app);
      assert.deepEqual(
        warnings.filter((line) => line.includes(PACKAGE)),
        [],
        `npm's warnings:\n${warnings.join('\n')}`,
      );
    });
  }
});
