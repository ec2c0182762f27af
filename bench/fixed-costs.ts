/**
 * A command's fixed costs, side by side in one run: Node's own start, `tilepipe --version`,
 * and one photo through one op against a one-line sharp script. Run:
 * `npm run build && node dist/bench/fixed-costs.js [--rounds 10] [--keep-env] [--cli other/dist/bin/tilepipe.cjs]
 * [--baseline other/dist/bin/tilepipe.cjs]`. `--baseline` times another build's command in the same rounds,
 * for before-and-after figures that share the machine's moment.
 *
 * Each round runs every command once, in turn, each in a fresh process with a fresh
 * out-dir (`--force`); the report gives each command's median and range over the
 * rounds, and each ratio as the median of its round-by-round ratios.
 *
 * `NODE_EXTRA_CA_CERTS` makes every Node process parse that certificate bundle before
 * any JavaScript runs (Node 20 loads it at start-up). Children run without it, as on a
 * stock machine, unless `--keep-env`; when it is set, Node's bare start is also timed
 * with it, so the report shows what it costs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_ROOT, writeImage } from './suite.js';
import { median } from './workload.js';
import { childEnv, optionValue as option, ratios as ratiosIn, shownRatio as shown, timeRounds, type TimedCommand } from './rounds.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The command timed: this package's, or another build's launcher (`--cli`, for before and after). */
const CLI = path.resolve(option('--cli') ?? path.join(REPO, 'dist', 'bin', 'tilepipe.cjs'));
/** Another build's command, timed in the same rounds (`--baseline`). */
const BASELINE = option('--baseline') === undefined ? undefined : path.resolve(option('--baseline')!);
const rounds = Number(option('--rounds') ?? 10);
if (!Number.isInteger(rounds) || rounds < 1 || !existsSync(CLI) || (BASELINE !== undefined && !existsSync(BASELINE))) {
  process.stderr.write('usage: node dist/bench/fixed-costs.js [--rounds N (a positive integer, default 10)] [--keep-env] [--cli path/to/dist/bin/tilepipe.cjs] [--baseline path/to/dist/bin/tilepipe.cjs]\n');
  process.exit(2);
}
const keepEnv = process.argv.includes('--keep-env');
const extraCa = process.env.NODE_EXTRA_CA_CERTS;
const env = childEnv(keepEnv);
// The children see it only with --keep-env, as the report says.
const seen = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.env.NODE_EXTRA_CA_CERTS !== undefined))'], { env, encoding: 'utf8' }).stdout;
if (seen !== String(keepEnv && extraCa !== undefined)) throw new Error(`a timed child would see NODE_EXTRA_CA_CERTS ${seen === 'true' ? 'set' : 'unset'}, against the report`);

const work = path.join(CACHE_ROOT, 'fixed-costs', String(process.pid));
const photo = path.join(CACHE_ROOT, 'v1', 'fixed-2725x2225.jpg');
const tiny = path.join(CACHE_ROOT, 'v1', 'fixed-8x8.jpg');
await writeImage(photo, 2725, 2225, 41);
await writeImage(tiny, 8, 8, 42);

/** The one-line script users would write instead: decode, negate, encode, in one libvips pipeline (sharp found from here, as the script runs in the work folder). */
const SHARP_NEGATE = `require(${JSON.stringify(createRequire(import.meta.url).resolve('sharp'))})(process.argv[1]).negate().toFile(process.argv[2])`;


const out = (name: string): string => path.join(work, name);
/** The command's runs: each in turn, with `cli`; named with `tag`. */
const tilepipe = (cli: string, tag = ''): TimedCommand[] => [
  { name: `tilepipe --op invert (photo)${tag}`, argv: [cli, photo, '-o', out(`invert${tag}`), '--force', '--quiet', '--op', 'invert'] },
  { name: `tilepipe --op gamma (photo)${tag}`, argv: [cli, photo, '-o', out(`gamma${tag}`), '--force', '--quiet', '--op', 'gamma:gamma=2.2'] },
  { name: `tilepipe --op invert (8×8)${tag}`, argv: [cli, tiny, '-o', out(`tiny${tag}`), '--force', '--quiet', '--op', 'invert'] },
];
const [invertPhoto, gammaPhoto, invertTiny] = tilepipe(CLI);
const commands: TimedCommand[] = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  ...(extraCa !== undefined && !keepEnv ? [{ name: 'node -e 0, NODE_EXTRA_CA_CERTS set', argv: ['-e', '0'], env: process.env }] : []),
  { name: 'tilepipe --version', argv: [CLI, '--version'] },
  { name: 'sharp script: negate (photo)', argv: ['-e', SHARP_NEGATE, photo, path.join(out('sharp-photo'), 'a.jpg')] },
  invertPhoto,
  gammaPhoto,
  { name: 'sharp script: negate (8×8)', argv: ['-e', SHARP_NEGATE, tiny, path.join(out('sharp-tiny'), 'a.jpg')] },
  invertTiny,
  ...(BASELINE ? tilepipe(BASELINE, ' [baseline]') : []),
];
// Every command runs in the work folder, as a user's in a folder of images: no package.json or config there.
for (const d of ['sharp-photo', 'sharp-tiny']) mkdirSync(out(d), { recursive: true });

let times: Map<string, number[]>;
try {
  times = await timeRounds(commands, rounds, { cwd: work, env, warmup: true });
} finally {
  rmSync(work, { recursive: true, force: true });
}

const ms = (v: number): string => v.toFixed(0);
console.log(`# Fixed costs: ${rounds} rounds, Node ${process.version}, ${path.relative(process.cwd(), CLI)}, ${keepEnv ? 'environment as given' : 'children without NODE_EXTRA_CA_CERTS'}${extraCa !== undefined ? ` (it is set here: ${extraCa})` : ''}\n`);
console.log('| command | median ms | range ms |');
console.log('|---|---:|---:|');
for (const c of commands) {
  const t = times.get(c.name)!;
  console.log(`| ${c.name} | ${ms(median(t))} | ${ms(Math.min(...t))}–${ms(Math.max(...t))} |`);
}

const ratios = (a: string, b: string): number[] => ratiosIn(times, a, b);
const version = median(times.get('tilepipe --version')!);
console.log('\n| target | measured | met |');
console.log('|---|---|---|');
console.log(`| \`tilepipe --version\` ≤ 80 ms | ${ms(version)} ms | ${version <= 80 ? 'yes' : 'no'} |`);
for (const op of ['invert', 'gamma']) {
  const rs = ratios(`tilepipe --op ${op} (photo)`, 'sharp script: negate (photo)');
  console.log(`| one photo, \`--op ${op}\` ≤ 1.3× the sharp script | ${shown(rs)} | ${median(rs) <= 1.3 ? 'yes' : 'no'} |`);
}
console.log(`| (8×8 JPEG, the fixed cost alone: \`--op invert\` ÷ the script) | ${shown(ratios('tilepipe --op invert (8×8)', 'sharp script: negate (8×8)'))} | |`);
if (BASELINE) {
  console.log(`\nThis build against the baseline, ${path.relative(process.cwd(), BASELINE)}, in the same rounds:\n`);
  console.log('| command | this build ÷ baseline | median difference |');
  console.log('|---|---|---:|');
  for (const c of [invertPhoto, gammaPhoto, invertTiny]) {
    const diff = median(times.get(c.name)!) - median(times.get(`${c.name} [baseline]`)!);
    console.log(`| ${c.name} | ${shown(ratios(c.name, `${c.name} [baseline]`))} | ${diff > 0 ? '+' : ''}${ms(diff)} ms |`);
  }
}
