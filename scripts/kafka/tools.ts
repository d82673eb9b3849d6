/** Running the external programs the harness needs, with a clear error when one is missing. */
import { spawn } from 'node:child_process';
import { MissingToolError } from './errors.js';

/** Output and exit status of a finished command. */
export interface CommandResult {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  /** stdout and stderr interleaved as they arrived. */
  readonly output: string;
  /** stdout alone (what a tool prints as its result, without its logging). */
  readonly stdout: string;
}

/** Install hints, shown when a tool cannot be started. */
const HINTS: Record<string, string> = {
  java: 'install a Java 17+ runtime (e.g. `apt-get install openjdk-17-jre-headless`) and put `java` on PATH',
  mvn: 'install Apache Maven 3.6.3+ (e.g. `apt-get install maven`) and put `mvn` on PATH; it downloads Kafka from Maven Central',
  openssl: 'install OpenSSL (e.g. `apt-get install openssl`); the TLS broker generates its certificates with it',
};

/** Runs a command to completion and captures its output. A missing program is a {@link MissingToolError}. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    const stdoutChunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => {
      chunks.push(c);
      stdoutChunks.push(c);
    });
    child.stderr?.on('data', (c: Buffer) => chunks.push(c));
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new MissingToolError(command, HINTS[command] ?? `\`${command}\` was not found on PATH`, err) : err);
    });
    child.once('close', (code) =>
      resolvePromise({ code, output: Buffer.concat(chunks).toString('utf8'), stdout: Buffer.concat(stdoutChunks).toString('utf8') }),
    );
  });
}

/** The last `lines` non-empty lines of a text, for error messages. */
export function tail(text: string, lines = 30): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}

/** Minimum Java feature release: Kafka 4.x brokers need 17, and the README promises it. */
export const MIN_JAVA_MAJOR = 17;

/** Checks `java` runs and is new enough; returns its major version. */
export async function checkJava(): Promise<number> {
  const { code, output } = await runCommand('java', ['-version']);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (code !== 0 || !match) throw new MissingToolError('java', `\`java -version\` failed:\n${tail(output, 5)}`);
  // Java 8 reports "1.8.0_x": the feature release is then the second number.
  const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (major < MIN_JAVA_MAJOR) {
    throw new MissingToolError('java', `found Java ${major}, need ${MIN_JAVA_MAJOR} or newer. ${HINTS.java}`);
  }
  return major;
}

/** Checks `mvn` runs. */
export async function checkMaven(): Promise<void> {
  const { code, output } = await runCommand('mvn', ['-v']);
  if (code !== 0) throw new MissingToolError('mvn', `\`mvn -v\` failed:\n${tail(output, 5)}`);
}

/** Both tools a Maven fetch needs; throws `MissingToolError` naming the first one missing. */
export async function checkJavaAndMaven(): Promise<void> {
  await checkJava();
  await checkMaven();
}

/** Checks `openssl` runs. */
export async function checkOpenssl(): Promise<void> {
  const { code, output } = await runCommand('openssl', ['version']);
  if (code !== 0) throw new MissingToolError('openssl', `\`openssl version\` failed:\n${tail(output, 5)}`);
}
