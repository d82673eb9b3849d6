/**
 * Installs a pinned Node.js binary from the npm registry into a git-ignored cache
 * (`.node/<version>/`, or `NODE_VERSIONS_HOME`), once per version, and reuses it afterwards.
 * The registry's `node-<os>-<arch>` packages carry the official binary and nothing else, so the
 * only tool needed is the npm that already runs the project.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { projectRoot } from '../kafka/paths.js';
import { runCommand, tail } from '../kafka/tools.js';
import { NodeVersionError } from './errors.js';
import { binaryPackageName } from './pins.js';

/** Marker written once a version is installed and its binary answered `--version`. */
const MARKER = 'complete.json';

/** Root of the cache; `NODE_VERSIONS_HOME` moves it (CI can cache that folder). */
export function nodeVersionsHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.NODE_VERSIONS_HOME ?? join(projectRoot, '.node'));
}

/** Where the binary of `version` lives in the cache (it may not be there yet). */
export function nodeBinaryPath(version: string, home = nodeVersionsHome()): string {
  return binaryIn(join(home, version));
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
 * Returns the cached binary of `version`, installing it first when missing. The install goes to a
 * scratch folder that is renamed into place after the binary ran, so an interrupted install is
 * never used.
 */
export async function ensureNode(
  version: string,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<InstalledNode> {
  const home = nodeVersionsHome();
  const dir = join(home, version);
  const binary = nodeBinaryPath(version, home);
  if (existsSync(join(dir, MARKER))) return { version, binary, binDir: dirname(binary), cached: true };

  const staging = `${dir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const pkg = `${binaryPackageName()}@${version}`;
  log(`[node-versions] installing Node ${version} (${pkg} from the npm registry)...`);
  try {
    await writeFile(join(staging, 'package.json'), JSON.stringify({ name: 'node-version-cache', private: true }));
    // --ignore-scripts: the package is a binary and needs none; nothing else gets to run.
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const install = await runCommand(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', pkg], { cwd: staging });
    if (install.code !== 0) throw new NodeVersionError(`npm could not install ${pkg}:\n${tail(install.output, 15)}`, { version });
    const check = await runCommand(binaryIn(staging), ['--version']);
    if (check.code !== 0 || check.output.trim() !== `v${version}`) {
      throw new NodeVersionError(`the installed Node ${version} does not run: ${tail(check.output, 5)}`, { version });
    }
    await writeFile(join(staging, MARKER), JSON.stringify({ version, package: pkg, installedAt: new Date().toISOString() }));
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { version, binary, binDir: dirname(binary), cached: false };
}
