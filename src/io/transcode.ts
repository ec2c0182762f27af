/**
 * Decoding and encoding in one sharp pipeline, for an image whose chain runs
 * nothing between the two (no stage after an on-load resize, one output at
 * the processed size): the same steps as decode → raw → encode, without the
 * round trip through raw pixels, so libvips streams it.
 */
import type { OpInstance } from '../plan/chain.js';
import type { Metadata } from 'sharp';
import { writeAtomic, type WriteOptions } from './atomic-write.js';
import { decodingPipeline, orientedSize, sourceMetadata, type DecodeOptions } from './decode.js';
import { encodingSteps, type EncodedInfo, type EncodeOptions } from './encode.js';
import { withEncoderThreads } from './encoder-threads.js';

/** The size an image has after its on-load op, from its header. */
function sizeAfter(meta: Metadata, onLoad: OpInstance | undefined): { width: number; height: number } {
  const size = orientedSize(meta);
  const def = onLoad?.def;
  return def?.kind === 'geometry' && def.size ? def.size(onLoad!.params as never, size) : size;
}

/** What {@link transcodeToFile} wrote, and how many frames or pages the source has (only the first is read). */
export interface Transcoded extends EncodedInfo {
  readonly mtimeMs: number;
  readonly path: string;
  readonly pages: number;
}

/**
 * Decodes `input` (orientation, `decode.onLoad`, 8-bit sRGB), applies
 * `decode.point` (a point op's `native` step), and encodes it straight into
 * `target`, atomically. `keepMetadata` keeps the source's
 * metadata as the two-step path does. The pixels are those of decodeImage →
 * encodeToFile; the file also keeps the source's resolution (PNG pHYs, JPEG
 * density), as sharp does, where raw pixels carry none.
 */
export async function transcodeToFile(
  input: Uint8Array, target: string, decode: DecodeOptions & { readonly point?: OpInstance }, encode: Omit<EncodeOptions, 'metadata' | 'width'> & { readonly keepMetadata?: boolean }, write: WriteOptions = {},
): Promise<Transcoded> {
  const { image: decoded, meta } = await decodingPipeline(input, decode);
  const point = decode.point?.def;
  const image = point?.kind === 'point' && point.native ? point.native(decoded, decode.point!.params as never) : decoded;
  const size = sizeAfter(meta, decode.onLoad);
  const { keepMetadata, ...options } = encode;
  const pipeline = encodingSteps(image, size.width * size.height, { ...options, ...(keepMetadata ? { metadata: sourceMetadata(meta) } : {}) });
  // One libvips pipeline: a timeout names its first step, as the two-step path's decode does.
  const { value: info, mtimeMs, path } = await writeAtomic(target, (tmp) => withEncoderThreads(options.format, () => pipeline.toFile(tmp)), { activity: 'decoding', ...write });
  return { format: options.format, width: info.width, height: info.height, bytes: info.size, mtimeMs, path, pages: meta.pages ?? 1 };
}
