/**
 * The tilepipe benchmark: per-core speedup of five workloads against up to
 * seven baselines, where the time goes, and peak memory.
 *
 *   npm run bench                         # full size: 24 × 12 MP, 1 × 48 MP, 24 × 6 MP, 26 photos (20 × 2725×2225, 6 × 3776×2152) twice (~40 min on 2 cores)
 *   npm run bench -- --quick              # 6 × 0.5 MP, 1 × 1.5 MP, 6 × 0.3 MP, 3 runs (< 1 min on 2 cores): a smoke run,
 *                                         # too small for stable speedups
 *   npm run bench -- --workload batch --runs 7 --max-workers 4 --json
 *
 * Options: --workload batch|big|custom|photos|photos-fast|photos-resize (repeatable or comma-separated; default all),
 * --runs N (default 5; quick 3), --max-workers N (default os.availableParallelism()),
 * --scale F (multiplies image megapixels), --images N (batch/custom image count),
 * --jimp-images N (jimp subset, default 4; quick 1), --no-jimp, --no-pin, --json,
 * --results DIR (chart folder, default bench/results),
 * --from-json FILE (no runs: re-render the markdown, or with --json the JSON, and the chart from a saved --json output).
 *
 * Every measured run is a child process (bench/run-one.ts), so peak RSS and
 * UV_THREADPOOL_SIZE are per run. Runs are interleaved: for each repetition,
 * ours@1, ours@2, …, ours@N, main-thread, sharp-tuned, sharp-default, jimp;
 * repetition 0 is a warm-up and is discarded. Our n-worker runs are pinned to
 * n cores with taskset (--no-pin: not), so the 1-worker time is a true
 * one-core time. Inputs are generated once into os.tmpdir()/tilepipe-bench/.
 * Markdown goes to stdout (with --json: one JSON object instead); progress
 * goes to stderr; the chart goes to bench/results/speedup.{svg,png}.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { RunConfig, RunResult, Variant } from './run-one.js';
import { cpuScaling, pageFaultMicros } from './calibrate.js';
import { describeTunedMalloc, type MallocTuning } from '../src/io/malloc-tuning.js';
import { markdown, targets, type BenchReport, type Machine } from './report.js';
import { svgChart, writeChart } from './chart.js';
import { parseArgs } from './args.js';
import { summarise, type BaselineInfo, type Samples } from './stats.js';
import { CACHE_ROOT, prepareInputs, workloads, type JimpStep, type SharpStep } from './suite.js';
import { findTool } from './baselines.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUN_ONE = path.join(HERE, 'run-one.js');

/** The CPUs this process may run on (Linux), for pinning runs to n cores. */
function allowedCpus(): number[] | null {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('Cpus_allowed_list:'));
    if (!line) return null;
    const cpus: number[] = [];
    for (const part of line.split(':')[1].trim().split(',')) {
      const [a, b] = part.split('-').map(Number);
      for (let c = a; c <= (b ?? a); c++) cpus.push(c);
    }
    return cpus.length > 0 ? cpus : null;
  } catch {
    return null;
  }
}

function hasTaskset(): boolean {
  return ['/usr/bin/taskset', '/bin/taskset', '/usr/local/bin/taskset'].some((p) => existsSync(p));
}

let childCounter = 0;

/** Runs one measured child; pinned to `cpus` when given. */
function runChild(cfg: Omit<RunConfig, 'outDir'>, uvThreads: number | undefined, cpus: number[] | null): Promise<RunResult> {
  // Per benchmark process, so two benchmarks running at once never remove each other's outputs.
  const outDir = path.join(CACHE_ROOT, 'runs', String(process.pid), String(childCounter++));
  const env = { ...process.env };
  delete env.UV_THREADPOOL_SIZE;
  if (uvThreads !== undefined) env.UV_THREADPOOL_SIZE = String(uvThreads);
  const args = [RUN_ONE, JSON.stringify({ ...cfg, outDir })];
  const [cmd, argv] = cpus ? ['taskset', ['-c', cpus.join(','), process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d; });
    child.stderr.on('data', (d: Buffer) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@result '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('@@result '.length)) as RunResult);
      else reject(new Error(`${cfg.variant}${cfg.variant === 'tilepipe' ? `@${cfg.workers}` : ''} failed (exit ${code}):\n${err.trim() || out.trim()}`));
    });
  });
}

function describeSharp(steps: readonly SharpStep[], format: string): string {
  const s = steps.map((st) => {
    switch (st.op) {
      case 'resize': return `resize({ width: ${st.width} })`;
      case 'median': return `median(${st.size})`;
      case 'blur': return st.precision ? `blur({ sigma: ${st.sigma}, precision: '${st.precision}', minAmplitude: ${+(st.minAmplitude ?? 0.2).toFixed(4)} })` : `blur(${st.sigma})`;
      case 'convolve': return `convolve(3×3 Sobel-x, scale ${st.scale}, offset ${st.offset})`;
      case 'sharpen': return st.sigma === undefined ? 'sharpen()' : `sharpen({ sigma: ${st.sigma} })`;
      case 'normalise': return 'normalise()';
    }
  });
  return `${s.join('.')}.${format}()`;
}

function describeJimp(steps: readonly JimpStep[], format: string): string {
  const s = steps.map((st) => {
    switch (st.op) {
      case 'resize': return `resize({ w: ${st.width} })`;
      case 'blur': return `blur(${st.radius})`;
      case 'convolute': return `convolute(${st.kernel.length}×${st.kernel.length} sharpen kernel)`;
    }
  });
  return `${s.join('.')}.getBuffer(image/${format})`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const o = parseArgs(process.argv.slice(2));
  if (o.fromJson) {
    const saved = JSON.parse(readFileSync(o.fromJson, 'utf8')) as BenchReport;
    // Targets are recomputed, so a saved run is judged by the current rules.
    const rejudged: BenchReport = { ...saved, targets: targets(saved.workloads) };
    const report: BenchReport = { ...rejudged, chart: await writeChart(o.results, svgChart(rejudged)) };
    process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${markdown(report)}\n`);
    return;
  }
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  if (o.queue) {
    const { queueBench, queueMarkdown } = await import('./queue.js');
    const q = await queueBench({ quick: o.quick, runs: o.runs, scale: o.scale, images: o.images }, log);
    process.stdout.write(o.json ? `${JSON.stringify({ queue: q }, null, 2)}\n` : queueMarkdown(q));
    if (o.workloads.length === 0) return;
  }
  const cores = os.availableParallelism();
  const cpus = allowedCpus();
  const pin = o.pin && hasTaskset() && cpus !== null;
  const cpusFor = (n: number): number[] | null => (pin && cpus && n < cpus.length ? cpus.slice(0, n) : null);
  const all = workloads({ quick: o.quick, scale: o.scale, images: o.images, jimpSubset: o.jimpImages }).filter((w) => o.workloads.includes(w.name));
  const machine: Machine = {
    cores,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.versions.node,
    sharp: sharp.versions.sharp ?? 'unknown',
    libvips: sharp.versions.vips,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemMb: os.totalmem() / 2 ** 20,
    loadAvgAtStart: os.loadavg()[0],
    cpuScaling: { threads: o.maxWorkers, ratio: await cpuScaling(o.maxWorkers, o.quick ? 150 : 300, o.quick ? 1 : 2) },
    pageFaultMicros: pageFaultMicros(),
  };
  log(`tilepipe bench: ${all.map((w) => w.name).join(', ')}; workers 1..${o.maxWorkers}; ${o.runs} runs + 1 warm-up; ${cores} cores${pin ? ', our n-worker runs pinned to n cores' : ''}; load ${machine.loadAvgAtStart.toFixed(2)}`);

  const results = [];
  /** What the tilepipe children said of glibc's allocator (the same in every one). */
  let tilepipeMalloc: MallocTuning | undefined;
  for (const w of all) {
    const { files, warm } = await prepareInputs(w, log);
    const base = { cores, warm, ops: w.ops, format: w.format, sharp: w.sharp, jimp: w.jimp?.steps, sharpLike: w.sharpLike?.steps, cli: w.cli };
    const vipsOn = w.cli !== undefined && findTool('vips') !== undefined;
    const magickOn = w.cli !== undefined && findTool('mogrify') !== undefined;
    if (w.cli && !vipsOn) log(`  ${w.name}: vips CLI not installed (apt-get install libvips-tools): its row is skipped`);
    if (w.cli && !magickOn) log(`  ${w.name}: ImageMagick not installed (apt-get install imagemagick): its row is skipped`);
    const jimpOn = o.jimp && w.jimp !== undefined;
    const jimpFiles = jimpOn ? files.slice(0, Math.min(files.length, w.jimp!.subset)) : [];
    const info: Partial<Record<Exclude<Variant, 'tilepipe'>, BaselineInfo>> = {
      'main-thread': {
        chain: `${w.ops.join(' → ')} (same kernels, untiled)`,
        differs: '',
        setup: "one image at a time; kernels on the main thread; sharp.concurrency(1), cache off, glibc's allocator tuned (as a pipeline)",
      },
      'sharp-tuned': {
        chain: describeSharp(w.sharp, w.format),
        differs: w.sharpDiffers,
        setup: `min(cores, images) lanes, one image each; libvips threads = cores ÷ lanes; cache off; UV_THREADPOOL_SIZE=${cores}`,
      },
      'sharp-one-core': {
        chain: describeSharp(w.sharp, w.format),
        differs: w.sharpDiffers,
        setup: `sharp-malloc's script on one core${pin ? ' (taskset)' : ''}: one lane, one libvips thread, glibc's allocator tuned as tilepipe's; its time ÷ sharp-malloc's is sharp's own speedup from 1 core to ${cores}, under the same conditions as ours`,
      },
      'sharp-malloc': {
        chain: describeSharp(w.sharp, w.format),
        differs: w.sharpDiffers,
        setup: `as sharp-tuned, and glibc's allocator tuned as tilepipe tunes its own process (mallopt: ${describeTunedMalloc()})`,
      },
      ...(w.sharpLike
        ? { 'sharp-like': { chain: describeSharp(w.sharpLike.steps, w.format), differs: w.sharpLike.differs, setup: `as sharp-tuned; UV_THREADPOOL_SIZE=${cores}` } }
        : {}),
      'sharp-default': {
        chain: describeSharp(w.sharp, w.format),
        differs: w.sharpDiffers,
        setup: 'Promise.all over all files; sharp defaults (concurrency = cores, cache on, UV_THREADPOOL_SIZE default 4)',
      },
      ...(vipsOn ? { 'vips-cli': { chain: `vips thumbnail ${w.cli!.width} | gaussblur 2 | sharpen | jpeg Q 80`, differs: w.cli!.vipsDiffers, setup: `xargs -P ${cores}; vips ${sharp.versions.vips} CLI as installed` } } : {}),
      ...(magickOn ? { magick: { chain: `mogrify ${w.cli!.magick.join(' ')}`, differs: w.cli!.magickDiffers, setup: 'one mogrify process, OpenMP threads' } } : {}),
      ...(jimpOn
        ? { jimp: { chain: describeJimp(w.jimp!.steps, w.format), differs: w.jimp!.differs, setup: 'one image at a time, pure JS', measuredImages: jimpFiles.length } }
        : {}),
    };
    const samples: Samples = new Map();
    const add = (key: string, r: RunResult, rep: number): void => {
      if (r.malloc && key.startsWith('tilepipe')) tilepipeMalloc = r.malloc;
      if (rep === 0) return; // warm-up
      const list = samples.get(key) ?? [];
      list.push(r);
      samples.set(key, list);
    };
    for (let rep = 0; rep <= o.runs; rep++) {
      const t = performance.now();
      for (let n = 1; n <= o.maxWorkers; n++) {
        // The pool size is n; libuv gets the CLI's default for n cores (max(2, n)).
        add(`tilepipe@${n}`, await runChild({ ...base, variant: 'tilepipe', workers: n, files }, Math.max(2, n), cpusFor(n)), rep);
      }
      add('main-thread', await runChild({ ...base, variant: 'main-thread', workers: 1, files }, undefined, null), rep);
      add('sharp-tuned', await runChild({ ...base, variant: 'sharp-tuned', workers: 1, files }, cores, null), rep);
      add('sharp-one-core', await runChild({ ...base, variant: 'sharp-one-core', workers: 1, files }, 2, cpusFor(1)), rep);
      add('sharp-malloc', await runChild({ ...base, variant: 'sharp-malloc', workers: 1, files }, cores, null), rep);
      if (w.sharpLike) add('sharp-like', await runChild({ ...base, variant: 'sharp-like', workers: 1, files }, cores, null), rep);
      add('sharp-default', await runChild({ ...base, variant: 'sharp-default', workers: 1, files }, undefined, null), rep);
      if (jimpOn) add('jimp', await runChild({ ...base, variant: 'jimp', workers: 1, files: jimpFiles }, undefined, null), rep);
      if (vipsOn) add('vips-cli', await runChild({ ...base, variant: 'vips-cli', workers: 1, files }, undefined, null), rep);
      if (magickOn) add('magick', await runChild({ ...base, variant: 'magick', workers: 1, files }, undefined, null), rep);
      log(`  ${w.name}: ${rep === 0 ? 'warm-up' : `run ${rep}/${o.runs}`} done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    results.push(summarise(w, o.maxWorkers, samples, info));
  }
  await rm(path.join(CACHE_ROOT, 'runs', String(process.pid)), { recursive: true, force: true });

  const partial = {
    machine,
    settings: {
      quick: o.quick, runs: o.runs, warmupRuns: 1, maxWorkers: o.maxWorkers, pinned: pin,
      order: 'per workload, per repetition: ours@1..N, main-thread, sharp-tuned, sharp-one-core, sharp-malloc, sharp-like, sharp-default, jimp, vips-cli, magick (where the workload has them)',
      ...(tilepipeMalloc ? { tilepipeMalloc } : {}),
      ...(process.env.MALLOC_ARENA_MAX !== undefined ? { mallocArenaMax: process.env.MALLOC_ARENA_MAX } : {}),
      ...(process.env.GLIBC_TUNABLES !== undefined ? { glibcTunables: process.env.GLIBC_TUNABLES } : {}),
    },
    workloads: results,
    targets: targets(results),
    chart: { svg: '', png: null },
    totalSeconds: 0,
  };
  const chart = await writeChart(o.results, svgChart(partial));
  const report: BenchReport = { ...partial, chart, totalSeconds: (performance.now() - started) / 1000 };
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${markdown(report)}\n`);
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  await rm(path.join(CACHE_ROOT, 'runs', String(process.pid)), { recursive: true, force: true }).catch(() => {});
  process.exit(1);
});

