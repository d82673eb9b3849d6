/**
 * Is dist/ current? Plain JavaScript (not compiled) because it runs before the build.
 *
 * The fingerprint covers every build input: each TypeScript file under the compiled folders and the root
 * build configuration (package.json, package-lock.json, tsconfig*.json), as path, size and mtime.
 * dist/ is current when dist/.build-stamp holds the fingerprint taken just before the last
 * successful build that went through {@link ensureBuilt}. An edit, a new file, a deleted file or a
 * branch switch changes it; a failed build writes no stamp, so the next run builds (and fails) again.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Folders whose files tsc compiles into dist/, when tsconfig.json names none. */
export const SOURCE_DIRS = ['lib', 'test', 'sample', 'bench', 'scripts'];

/** tsconfig.json's `include` (plain JSON here), so a folder added to the build counts at once. */
function sourceDirs(root) {
  try {
    const include = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).include;
    if (Array.isArray(include) && include.every((d) => typeof d === 'string')) return include;
  } catch {
    // Missing or not plain JSON: the default folders.
  }
  return SOURCE_DIRS;
}
/** What tsc compiles there (no allowJs, no JSON modules); bench results and the like do not count. */
const TS_SOURCE = /\.[mc]?tsx?$/;
/** Root files that change what the build produces. */
const ROOT_INPUT = /^(package\.json|package-lock\.json|tsconfig.*\.json)$/;
/** Where the fingerprint of the last successful build is kept (inside dist/, so a clean removes it). */
export const STAMP = join('dist', '.build-stamp');

/** Hash of (path, size, mtime) of every build input under `root`. */
export function buildFingerprint(root) {
  const lines = [];
  const add = (path) => {
    const stat = statSync(path);
    lines.push(`${relative(root, path)}\t${stat.size}\t${stat.mtimeMs}`);
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && TS_SOURCE.test(entry.name)) add(path);
    }
  };
  for (const dir of sourceDirs(root)) if (existsSync(join(root, dir))) walk(join(root, dir));
  for (const entry of readdirSync(root, { withFileTypes: true }))
    if (entry.isFile() && ROOT_INPUT.test(entry.name)) add(join(root, entry.name));
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/** The fingerprint recorded by the last successful build, if any. */
function recordedFingerprint(root) {
  try {
    return readFileSync(join(root, STAMP), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** True when dist/ was built from the current sources. */
export function distIsCurrent(root) {
  return recordedFingerprint(root) === buildFingerprint(root);
}

/**
 * Runs `npm run build` unless dist/ is current, then records the stamp. Resolves false when the
 * build failed (its errors are already on the terminal). The build runs in its own process group;
 * a SIGINT or SIGTERM to us while it runs stops all of it, then exits with 128 + the signal.
 */
export async function ensureBuilt(root, log = (line) => process.stderr.write(`${line}\n`)) {
  const before = buildFingerprint(root);
  if (recordedFingerprint(root) === before) return true;
  log('[build] sources changed since the last build: npm run build');
  // npm_execpath is npm's own CLI when we run inside an npm script; plain `npm` otherwise.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli ? [process.execPath, [npmCli, 'run', 'build', '--silent']] : ['npm', ['run', 'build', '--silent']];
  const build = spawn(command, args, { cwd: root, stdio: 'inherit', detached: true });
  const signals = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
  const onSignal = (signal) => {
    try {
      process.kill(-build.pid, signal);
    } catch {
      // the build already ended
    }
    process.exit(128 + signals[signal]);
  };
  for (const signal of Object.keys(signals)) process.on(signal, onSignal);
  const code = await new Promise((resolve) => {
    build.once('error', () => resolve(1));
    build.once('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  for (const signal of Object.keys(signals)) process.off(signal, onSignal);
  if (code !== 0) return false;
  // The fingerprint from before the build: a file edited while tsc ran makes the next run rebuild.
  writeFileSync(join(root, STAMP), `${before}\n`);
  return true;
}
