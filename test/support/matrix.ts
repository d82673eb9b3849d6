/**
 * The compatibility matrix: fresh apps that install this package from its `npm pack` tarball and
 * run against the real broker. Their third-party dependencies (Nest, Jest, Vitest, …) are
 * installed once per dependency list into a cache outside the repository (see
 * {@link matrixCacheRoot}) and reused; the app's own files and the tarball are fresh every run.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../scripts/kafka/paths.js';

const execFileAsync = promisify(execFile);

/** One app of the matrix. */
export interface MatrixApp {
  /** Folder name prefix under `.kafka/matrix/`. */
  readonly name: string;
  /** package.json without dependencies (scripts, jest config, type, …). */
  readonly manifest: Record<string, unknown>;
  /** Exact versions: the cache key. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  /** Path (relative to the app) → content, written on every run. */
  readonly files: Readonly<Record<string, string>>;
}

/** Runs a command; on failure the error message carries its output, so the test report shows why. */
export async function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 150_000,
): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as { message: string; stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}: ${e.message}\n--- stdout\n${e.stdout ?? ''}\n--- stderr\n${e.stderr ?? ''}`,
      { cause: error },
    );
  }
}

/** This package's runtime dependencies (the apps install them next to the unpacked tarball). */
export function packageDependencies(): Record<string, string> {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
}

/** `npm pack` of the built package into a fresh temp folder; returns the tarball's path. */
export async function packTarball(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'nkc-pack-'));
  // --ignore-scripts: the build already ran in `npm test`; a pack-time script added later must not rewrite dist/ under running tests.
  const out = await run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], projectRoot);
  const file = out.trim().split('\n').pop() ?? '';
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`npm pack did not produce ${path}: ${out}`);
  return path;
}

/**
 * Where installed app dependencies are kept between runs. It must be OUTSIDE the repository:
 * Node and TypeScript look for packages in every parent folder, so an app under the repo would
 * quietly see the repo's own node_modules (Nest 12, …) and prove nothing. `NKC_MATRIX_CACHE`
 * overrides it (CI caches this folder).
 */
export function matrixCacheRoot(): string {
  return process.env.NKC_MATRIX_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'nestjs-kafka-channels', 'matrix');
}

/** A prepared app: its folder (fresh for this run) and how to run one of its tools. */
export interface PreparedApp {
  readonly dir: string;
  /** The path of a file inside an installed dependency, e.g. `bin('jest', 'bin/jest.js')`. */
  bin(pkg: string, file: string): string;
  /** Deletes this run's folder (the cached dependencies stay). */
  remove(): void;
}

/**
 * Installs the app's dependencies into the cache once per exact dependency list (a staging
 * folder renamed when complete, so an interrupted install is never used). Returns the folder.
 */
export async function installDependencies(app: MatrixApp): Promise<{ base: string; manifest: Record<string, unknown> }> {
  const deps = { dependencies: app.dependencies, devDependencies: app.devDependencies ?? {} };
  const key = createHash('sha256')
    .update(JSON.stringify({ deps, node: process.versions.node.split('.')[0] }))
    .digest('hex')
    .slice(0, 12);
  const base = join(matrixCacheRoot(), `${app.name}-${key}`);
  const manifest = { name: app.name, version: '0.0.1', private: true, ...app.manifest, ...deps };
  if (!existsSync(join(base, '.installed'))) {
    const staging = `${base}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, 'package.json'), JSON.stringify(manifest, null, 2));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], staging, process.env, 600_000);
    writeFileSync(join(staging, '.installed'), new Date().toISOString());
    try {
      renameSync(staging, base);
    } catch {
      // Another run installed the same list meanwhile: use theirs.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  // Only a run folder may hold the package: a copy here would be found by every run.
  rmSync(join(base, 'node_modules', 'nestjs-kafka-channels'), { recursive: true, force: true });
  return { base, manifest };
}

/**
 * Makes the app ready to run. Its dependencies are installed once per dependency list into
 * `<cache>/<app>-<hash>/node_modules` and shared; each run gets its own folder below that one
 * (`runs/<pid>-<time>/`) holding the app's files and, in its own `node_modules`, the package
 * unpacked from `tarball` (what `npm install <tarball>` places there). Resolution from the app
 * finds the package first, and the package finds Nest and the rest one level up, so concurrent
 * runs (other worktrees) never share a package folder.
 */
export async function prepareApp(app: MatrixApp, tarball: string): Promise<PreparedApp> {
  const { base, manifest } = await installDependencies(app);
  const dir = join(base, 'runs', `${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const [path, content] of Object.entries(app.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const target = join(dir, 'node_modules', 'nestjs-kafka-channels');
  mkdirSync(target, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], dir);
  return {
    dir,
    bin: (pkg, file) => join(base, 'node_modules', pkg, file),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The environment the apps run with: the test runner's broker, no inherited test-runner flags. */
export function appEnv(brokers: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_ADDR: brokers.join(','), CI: 'true', NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** Packs the package, prepares `app` with it, runs `body`, and removes the run's folder and tarball. */
export async function withPackedApp(app: MatrixApp, body: (prepared: PreparedApp) => Promise<void>): Promise<void> {
  const tarball = await packTarball();
  try {
    const prepared = await prepareApp(app, tarball);
    try {
      await body(prepared);
    } finally {
      prepared.remove();
    }
  } finally {
    rmSync(dirname(tarball), { recursive: true, force: true });
  }
}
