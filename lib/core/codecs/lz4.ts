import type * as Lz4Napi from 'lz4-napi';
import { CompressedDataError } from '../errors.js';
import type { CompressionCodec } from './codec.js';
import { loadCodecPackage } from './load-codec-package.js';

/**
 * Kafka's lz4: the standard LZ4 frame format (magic `04 22 4D 18`), which Kafka's Java client
 * writes with independent 64 KiB blocks. Both directions use `lz4-napi` (napi-rs over the Rust
 * `lz4_flex`; one N-API build per platform, shipped as npm optional dependencies). Its frame
 * encoder writes independent blocks without a dictionary, which is what Kafka's Java reader accepts.
 */
export const lz4Codec: CompressionCodec = {
  name: 'lz4',
  compress: async (records) => lz4().compressFrameSync(records),
  decompress: async (compressed) => {
    const lib = lz4();
    try {
      return lib.decompressFrameSync(compressed);
    } catch (cause) {
      throw new CompressedDataError('lz4', 'not a valid LZ4 frame', cause);
    }
  },
};

let loaded: typeof Lz4Napi | undefined;

/** Loaded on first use, so a platform without a build fails only when lz4 is used, with a typed error. */
function lz4(): typeof Lz4Napi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
  loaded ??= loadCodecPackage('lz4', 'lz4-napi', () => require('lz4-napi') as typeof Lz4Napi);
  return loaded;
}
