import { KafkaError } from '../core/errors.js';

/**
 * An entry point was loaded without a package it needs (`@nestjs/common` for the root entry,
 * `@nestjs/terminus` for `./health`, …). The message names the packages and the install command.
 * @public
 */
export class MissingPeerDependencyError extends KafkaError {
  /** The packages that could not be found. */
  readonly missing: readonly string[];

  constructor(entry: string, missing: readonly string[]) {
    super(
      `${entry} needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed: ` +
        `run \`npm install ${missing.join(' ')}\`` +
        (entry === 'nestjs-kafka-channels' ? ", or import 'nestjs-kafka-channels/core' for the framework-free API" : ''),
      { entry, missing },
    );
    this.missing = missing;
  }
}

/** True when `name` resolves from here; a package that exists but exports no `require` path still counts. */
function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code !== 'MODULE_NOT_FOUND';
  }
}

/**
 * Throws {@link MissingPeerDependencyError} when any of `peers` is missing. Each Nest entry point
 * calls this before it loads a Nest module, so the user reads "install X" instead of a bare
 * `Cannot find module` from deep inside the library.
 */
export function requirePeers(entry: string, peers: readonly string[]): void {
  const missing = peers.filter((name) => !isInstalled(name));
  if (missing.length > 0) throw new MissingPeerDependencyError(entry, missing);
}

/** The packages every Nest entry point needs. */
export const NEST_PEERS = ['@nestjs/common', '@nestjs/core', 'reflect-metadata', 'rxjs'] as const;
