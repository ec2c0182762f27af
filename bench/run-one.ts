/**
 * One measured benchmark run, in a child process of bench/run.ts, so that
 * peak RSS and UV_THREADPOOL_SIZE belong to this run alone.
 *
 * Usage (internal): `node dist/bench/run-one.js '<RunConfig JSON>'`. Runs the
 * variant once on the warm-up image (workers started, kernels compiled, sharp
 * loaded), then times it over the workload's files and prints one line
 * `@@result {RunResult JSON}` on stdout.
 */
import type { ChainStep } from '../src/plan/chain.js';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Pipeline, PipelineTimes } from '../src/pipeline.js';
import { OutputFormat } from '../src/model/options.js';
import type { JimpStep, SharpStep, Workload } from './suite.js';

/** The baselines module, loaded after glibc's allocator is set up (it loads sharp). */
type Baselines = typeof import('./baselines.js');
import { tuneMalloc, type MallocTuning } from '../src/io/malloc-tuning.js';

export type Variant = 'tilepipe' | 'main-thread' | 'sharp-tuned' | 'sharp-one-core' | 'sharp-malloc' | 'sharp-like' | 'sharp-default' | 'jimp' | 'vips-cli' | 'magick';

/** What the parent asks a child to run. */
export interface RunConfig {
  readonly variant: Variant;
  /** Pool size (tilepipe). */
  readonly workers: number;
  /** Cores the baselines may use. */
  readonly cores: number;
  readonly files: readonly string[];
  readonly warm: string;
  readonly ops: readonly string[];
  readonly format: OutputFormat;
  readonly sharp: readonly SharpStep[];
  readonly jimp?: readonly JimpStep[];
  /** The sharp-like recipe (variant sharp-like). */
  readonly sharpLike?: readonly SharpStep[];
  /** The vips-CLI and mogrify recipes (variants vips-cli, magick). */
  readonly cli?: Workload['cli'];
  readonly outDir: string;
}

/** What a child reports. */
export interface RunResult {
  readonly wallMs: number;
  readonly images: number;
  /** Main-thread event-loop utilisation during the timed run (0..1) and its active ms. */
  readonly elu: { readonly utilization: number; readonly activeMs: number };
  /** Peak resident set size of the child process (MB), warm-up included. */
  readonly peakRssMb: number;
  readonly uvThreadpoolSize: string;
  /** glibc's allocator in this run: tuned as tilepipe tunes it (tilepipe, main-thread, sharp-malloc, sharp-one-core), or why not; absent: left at glibc's settings. */
  readonly malloc?: MallocTuning;
  /**
   * CPU during the timed run, in cores (CPU seconds ÷ wall seconds): this process
   * (all its threads), other processes on the machine (null off Linux), and
   * hypervisor steal. Other load makes a run's timings unreliable.
   */
  readonly cpu: { readonly ours: number; readonly others: number | null; readonly steal: number | null; readonly system?: number };
  /** Minor page faults of this process during the timed run: fresh 4 KB pages touched for the first time. */
  readonly minorFaults?: number;
  /** tilepipe: `pipeline.times()` accumulated over the timed run only. */
  readonly times?: Partial<PipelineTimes>;
  /** Baseline details (phase times, lanes, libvips threads). */
  readonly detail?: Record<string, number>;
}

function diff(after: PipelineTimes, before: PipelineTimes): Partial<PipelineTimes> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    out[k] = k === 'peakInFlight' ? v : v - (before as unknown as Record<string, number>)[k];
  }
  return out as Partial<PipelineTimes>;
}

/** Machine-wide CPU counters from /proc/stat, in seconds (USER_HZ = 100). */
function procStat(): { busy: number; steal: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return { busy: (user + nice + system + irq + softirq) / 100, steal: steal / 100 };
  } catch {
    return null;
  }
}

async function once(b: Baselines, cfg: RunConfig, files: readonly string[], outDir: string, pipeline?: Pipeline): Promise<Record<string, number> | undefined> {
  switch (cfg.variant) {
    case 'tilepipe': {
      const results = await pipeline!.processFiles(
        files.map((input) => ({ input, outputs: [{ path: b.outPath(outDir, input, cfg.format), format: cfg.format }] })),
        { ops: cfg.ops as readonly ChainStep[] }, // the workload's op strings, checked when the pipeline plans
      );
      const failed = results.find((r) => r.status !== 'ok');
      if (failed) throw new Error(failed.error);
      return undefined;
    }
    case 'main-thread':
      return { ...(await b.mainThread(files, cfg.ops, cfg.format, outDir)) };
    case 'sharp-tuned':
    case 'sharp-malloc': // the same script; main() tuned the allocator first
      return await b.sharpTuned(files, cfg.sharp, cfg.format, outDir, cfg.cores);
    case 'sharp-one-core': // the same script with one lane and one libvips thread (the parent pins it to one core)
      return await b.sharpTuned(files, cfg.sharp, cfg.format, outDir, 1);
    case 'sharp-like':
      return await b.sharpTuned(files, cfg.sharpLike ?? [], cfg.format, outDir, cfg.cores);
    case 'vips-cli':
      await b.vipsCli(files, cfg.cli!.width, outDir, cfg.cores);
      return undefined;
    case 'magick':
      await b.magick(files, cfg.cli!.magick, outDir);
      return undefined;
    case 'sharp-default':
      return await b.sharpDefault(files, cfg.sharp, cfg.format, outDir);
    case 'jimp':
      await b.jimp(files, cfg.jimp ?? [], cfg.format, outDir);
      return undefined;
  }
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '') as RunConfig;
  // Before sharp is loaded, as tilepipe does on import (io/sharp.ts; main-thread runs tilepipe's code too);
  // the other baselines keep glibc's settings.
  const malloc = ['tilepipe', 'main-thread', 'sharp-malloc', 'sharp-one-core'].includes(cfg.variant) ? tuneMalloc() : undefined;
  const b = await import('./baselines.js');
  const warmDir = path.join(cfg.outDir, 'warm');
  await mkdir(warmDir, { recursive: true });
  // Loaded only where used, so baseline children do not pay for the library's start-up.
  const pipeline = cfg.variant === 'tilepipe' ? (await import('../src/pipeline.js')).createPipeline({ workers: cfg.workers }) : undefined;
  try {
    await once(b, cfg, [cfg.warm], warmDir, pipeline);
    const before = pipeline?.times();
    const stat0 = procStat();
    const faults0 = process.resourceUsage().minorPageFault;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const detail = await once(b, cfg, cfg.files, cfg.outDir, pipeline);
    const wallMs = performance.now() - t0;
    const elu = performance.eventLoopUtilization(elu0);
    const cpu = process.cpuUsage(cpu0);
    const minorFaults = process.resourceUsage().minorPageFault - faults0;
    const stat1 = procStat();
    const ours = (cpu.user + cpu.system) / 1e6;
    const wallS = wallMs / 1000;
    const result: RunResult = {
      wallMs,
      images: cfg.files.length,
      elu: { utilization: elu.utilization, activeMs: elu.active },
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      cpu: {
        ours: ours / wallS,
        others: stat0 && stat1 ? Math.max(0, stat1.busy - stat0.busy - ours) / wallS : null,
        steal: stat0 && stat1 ? (stat1.steal - stat0.steal) / wallS : null,
        system: cpu.system / 1e6 / wallS,
      },
      minorFaults,
      uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? 'default (4)',
      ...(malloc ? { malloc } : {}),
      ...(pipeline && before ? { times: diff(pipeline.times(), before) } : {}),
      ...(detail ? { detail } : {}),
    };
    await rm(cfg.outDir, { recursive: true, force: true });
    // Written synchronously to the parent's pipe; exiting now skips the pool's orderly shutdown (not timed anyway).
    process.stdout.write(`@@result ${JSON.stringify(result)}\n`);
    process.exit(0);
  } catch (err) {
    await pipeline?.close().catch(() => {});
    await rm(cfg.outDir, { recursive: true, force: true });
    throw err;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`run-one: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
