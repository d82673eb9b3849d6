/**
 * `npm start` and `npm run kafka:*`: `node scripts/run-built.mjs <dist script> [args...]`.
 *
 * Builds first only when dist/ is not current (see build-freshness.mjs), then runs the compiled
 * script in this same process, with `process.argv` as if node had started it directly. No shell
 * chain (`npm run build && node …`) and no extra process: package.json runs us with `exec`, so
 * we replace npm's shell and the SIGINT / SIGTERM that npm forwards to its child reach the script
 * itself (a shell between us would swallow them: dash dies on SIGTERM without passing it on, and
 * waits out a SIGINT).
 *
 * Without a script argument it only builds (when needed). NO_BUILD=1 skips the freshness check (the
 * npm start test uses it: the suite already built).
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuilt } from './build-freshness.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const [target, ...args] = process.argv.slice(2);
if (process.env.NO_BUILD !== '1' && !(await ensureBuilt(root))) {
  process.stderr.write('[build] the build failed; fix the errors above and run again\n');
  process.exit(1);
}
// Without a script: only build if needed (`node scripts/run-built.mjs` alone builds and leaves the stamp).
if (!target) process.exit(0);
const script = resolve(root, target);
process.argv = [process.argv[0], script, ...args];
await import(pathToFileURL(script).href);
