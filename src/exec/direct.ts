/**
 * The engine's shortcut for images with nothing to run between decode and
 * encode but what libvips can run itself: at most an on-load op (a resize),
 * then at most one point op with a `native` step, and one output at the
 * processed size. They are decoded and encoded in one sharp pipeline
 * (io/transcode.ts), which libvips streams, instead of going through raw
 * pixels.
 */
import type { Metadata } from 'sharp';
import type { OpInstance } from '../plan/chain.js';
import { TimeoutError } from '../model/errors.js';
import { nativePointOp, type Stage } from '../plan/plan.js';
import { orientedSize } from '../io/decode.js';
import type { ParallelEncode } from '../io/encode.js';
import { transcodeToFile } from '../io/transcode.js';
import type { FileJob, WrittenOutput } from './types.js';

/** What the shortcut needs of the engine's settings. */
export interface DirectSettings {
  readonly limitInputPixels: number | false | undefined;
  readonly parallel: ParallelEncode | undefined;
}

/**
 * Transcodes the image if its plan and outputs allow it: after the on-load
 * op, no stage, or only one native point op on a 3- or 4-band sRGB source;
 * one output, no width variant, not a PNG for the banded encoder, no alpha
 * with an on-load resize, 8-bit sources only. Undefined when they do not, or
 * when the pipeline failed: the two-step path then redoes the image and says
 * whether its input or its output was at fault.
 */
export async function transcodeDirect(
  job: FileJob, bytes: Uint8Array, plan: { readonly onLoad?: OpInstance; readonly stages: readonly Stage[] },
  meta: Metadata, settings: DirectSettings, signal: AbortSignal | undefined,
): Promise<{ outputs: WrittenOutput[]; warning?: string } | undefined> {
  const [out, ...more] = job.outputs;
  const point = nativePointOp(plan.stages);
  if ((plan.stages.length > 0 && !point) || more.length > 0 || !out || out.width !== undefined) return undefined;
  // libvips applies the point op where sharp's pipeline puts it: the same bytes as the table only on sRGB with 3 or 4 bands.
  if (point && (meta.space !== 'srgb' || (meta.channels !== 3 && meta.channels !== 4))) return undefined;
  const { width, height } = orientedSize(meta);
  if (out.format === 'png' && settings.parallel && width * height >= settings.parallel.minPixels) return undefined;
  // 16-bit sources: the two-step path makes them 8-bit sRGB first; in one pipeline, keeping metadata (an sRGB profile) would transform the 16-bit pixels again.
  if (meta.depth !== 'uchar') return undefined;
  // libvips resamples premultiplied alpha; in one pipeline it does not round back to 8 bits before the encoder (JPEG: up to 16 levels apart).
  if (meta.hasAlpha && plan.onLoad) return undefined;
  const { width: _variant, path: target, within, keepMetadata, ...encode } = out;
  try {
    const { pages, ...written } = await transcodeToFile(bytes, target, { limitInputPixels: settings.limitInputPixels, onLoad: plan.onLoad, point, metadata: meta, signal }, { ...encode, keepMetadata }, { signal, within });
    return { outputs: [written], ...(pages > 1 ? { warning: `${job.input}: ${pages} frames/pages; only the first was processed` } : {}) };
  } catch (err) {
    if (signal?.aborted) throw err instanceof TimeoutError ? err : signal.reason; // a timeout says while doing what
    return undefined;
  }
}
