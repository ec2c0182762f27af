/**
 * `-` for standard input and output: `cat a.jpg | tilepipe - --op blur:sigma=2
 * --format png > b.png`, or `tilepipe a.jpg -o - --format webp > a.webp`. One
 * image only; stdout carries nothing but the encoded image, errors go to
 * stderr. Exit 0, 1 (the image failed) or 2 (usage).
 */
import sharp from '../src/io/sharp.js';
import { ValidationError, createPipeline, formatFromPath, parseFormat, parseOptions, type OutputFormat, type PipelineOptions } from '../src/index.js';
import { readInput } from '../src/io/read.js';
import { runOptionsOf, type RawSettings } from './flags.js';

/** Whether a run reads standard input (`-` as the input) or writes standard output (`-o -`). */
export function usesStdio(s: RawSettings): boolean {
  return Boolean(s.inputs?.includes('-')) || s.outDir === '-';
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The output format: the one given, else the input's where tilepipe writes it, else png. */
async function outputFormat(given: readonly OutputFormat[] | undefined, input: string, bytes: Buffer): Promise<OutputFormat> {
  if (given?.length) return given[0];
  if (input !== '-') return formatFromPath(input) ?? 'png';
  const format = await sharp(bytes).metadata().then((m) => m.format, () => undefined);
  try {
    return parseFormat(format);
  } catch {
    return 'png';
  }
}

/** Runs one image from a file or stdin to stdout; returns the exit code. */
export async function runStdio(s: RawSettings): Promise<number> {
  const inputs = s.inputs ?? [];
  if (inputs.length !== 1) {
    throw new ValidationError(inputs.includes('-') ? '"-" (standard input) must be the only input' : 'only one input can be written to standard output (-o -)');
  }
  if (s.outDir !== undefined && s.outDir !== '-') throw new ValidationError('standard input is written to standard output: give -o - or no -o');
  const how = { text: true, cli: true };
  const pipelineOptions = parseOptions<PipelineOptions>('pipeline', s, how);
  const run = runOptionsOf(s);
  if (run.formats && run.formats.length > 1) throw new ValidationError('standard output takes one --format');
  if (run.widths?.length) throw new ValidationError('--width variants need an out-dir, not standard output');
  if (process.stdout.isTTY) throw new ValidationError('standard output is a terminal: redirect it (> out.png) or give -o <dir>');
  const [input] = inputs;
  const label = input === '-' ? 'standard input' : input;
  const pipeline = createPipeline({ ...pipelineOptions, cacheDir: false });
  try {
    await pipeline.registry();
    const bytes = input === '-' ? await readStdin() : await readInput(input);
    const format = await outputFormat(run.formats, input, bytes);
    const out = await pipeline.processBuffer(bytes, { ops: run.ops, format, ...(run.quality !== undefined ? { quality: run.quality } : {}), ...(run.encode ? { encode: run.encode } : {}) });
    await new Promise<void>((resolve, reject) => process.stdout.write(out, (err) => (err ? reject(err) : resolve())));
    return 0;
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 141;
    process.stderr.write(`tilepipe: ${label}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await pipeline.close();
  }
}
