/**
 * One photo to AVIF, the slowest encoder users pick for the web: the `tilepipe`
 * command against a one-line sharp script with sharp's defaults, side by side in
 * one run. Run: `npm run build && node dist/bench/avif.js [--rounds 3] [--baseline other/dist/bin/tilepipe.cjs]`.
 *
 * Both resize the 2725×2225 photo to 1600 px wide and write an AVIF at quality 50.
 * Each round runs every command once, in turn, in a fresh process; the report
 * gives medians and ranges, each ratio as the median of its round-by-round
 * ratios, and each file's size and PSNR against the resized photo (aom's output
 * depends on its thread count: see src/io/encoder-threads.ts). Children run without `NODE_EXTRA_CA_CERTS`, as in
 * fixed-costs.ts.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { CACHE_ROOT, writeImage } from './suite.js';
import { median } from './workload.js';
import { childEnv, optionValue as option, ratios, shownRatio, timeRounds } from './rounds.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO, 'dist', 'bin', 'tilepipe.cjs');
const BASELINE = option('--baseline') === undefined ? undefined : path.resolve(option('--baseline')!);
const rounds = Number(option('--rounds') ?? 3);
if (!Number.isInteger(rounds) || rounds < 1 || (BASELINE !== undefined && !existsSync(BASELINE))) {
  process.stderr.write('usage: node dist/bench/avif.js [--rounds N (a positive integer, default 3)] [--baseline path/to/dist/bin/tilepipe.cjs]\n');
  process.exit(2);
}
const env = childEnv();

const work = path.join(CACHE_ROOT, 'avif', String(process.pid));
const photo = path.join(CACHE_ROOT, 'v1', 'fixed-2725x2225.jpg');
await writeImage(photo, 2725, 2225, 41);
const sharpPath = JSON.stringify(createRequire(import.meta.url).resolve('sharp'));
/** The script users would write: sharp's defaults (on glibc, one libvips thread: `sharp.concurrency()` is 1). */
const SCRIPT = `require(${sharpPath})(process.argv[1]).resize({ width: 1600 }).avif({ quality: 50 }).toFile(process.argv[2])`;
const tilepipe = (cli: string, dir: string): string[] => [cli, photo, '-o', path.join(work, dir), '--force', '--quiet', '--op', 'resize:width=1600', '--format', 'avif', '--quality', '50'];
const commands = [
  { name: 'sharp script', argv: ['-e', SCRIPT, photo, path.join(work, 'sharp', 'photo.avif')], out: path.join(work, 'sharp', 'photo.avif') },
  { name: 'tilepipe', argv: tilepipe(CLI, 'tilepipe'), out: path.join(work, 'tilepipe', 'fixed-2725x2225.avif') },
  ...(BASELINE ? [{ name: 'tilepipe [baseline]', argv: tilepipe(BASELINE, 'baseline'), out: path.join(work, 'baseline', 'fixed-2725x2225.avif') }] : []),
];
mkdirSync(path.join(work, 'sharp'), { recursive: true });

let times: Map<string, number[]>;
const files = new Map<string, { bytes: number; psnr: number }>();
const reference = await sharp(photo).resize({ width: 1600 }).raw().toBuffer();
/** PSNR of an encoded file against the resized photo, in dB. */
async function psnr(file: string): Promise<number> {
  const decoded = await sharp(file).removeAlpha().raw().toBuffer();
  let sum = 0;
  for (let i = 0; i < reference.length; i++) sum += (reference[i] - decoded[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / reference.length));
}
try {
  times = await timeRounds(commands, rounds, {
    cwd: work, env,
    after: async (c, round) => {
      if (round === 0) files.set(c.name, { bytes: statSync(c.out).size, psnr: await psnr(c.out) });
    },
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

const s = (ms: number): string => (ms / 1000).toFixed(2);
console.log(`# One photo to AVIF: ${rounds} rounds, Node ${process.version}, resize to 1600 px, quality 50\n`);
console.log('| command | median s | range s | file | PSNR | ÷ sharp script |');
console.log('|---|---:|---:|---:|---:|---|');
for (const c of commands) {
  const t = times.get(c.name)!;
  console.log(`| ${c.name} | ${s(median(t))} | ${s(Math.min(...t))}–${s(Math.max(...t))} | ${(files.get(c.name)!.bytes / 1024).toFixed(1)} KB | ${files.get(c.name)!.psnr.toFixed(2)} dB | ${shownRatio(ratios(times, c.name, 'sharp script'))} |`);
}
