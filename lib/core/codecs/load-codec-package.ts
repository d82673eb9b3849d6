import { CompressionCodecUnavailableError } from '../errors.js';

/**
 * Loads a codec's package, turning a failure (typically a platform without a prebuilt N-API
 * binary among the package's optional dependencies) into {@link CompressionCodecUnavailableError}.
 */
export function loadCodecPackage<T>(codec: string, packageName: string, load: () => T): T {
  try {
    return load();
  } catch (cause) {
    throw new CompressionCodecUnavailableError(codec, packageName, cause);
  }
}
