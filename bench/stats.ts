/**
 * Turns raw child-run samples into the benchmark's numbers: medians, speedup,
 * efficiency, throughput, where time goes, and the Amdahl model.
 */
import type { RunResult, Variant } from './run-one.js';
import type { Workload } from './suite.js';
import { median } from './workload.js';

/** Median, min and max wall time and what follows from them. */
export interface PointStats {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly imagesPerSec: number;
  readonly mpPerSec: number;
  /** Highest peak RSS over the measured runs (MB). */
  readonly peakRssMb: number;
  /** Median main-thread event-loop utilisation during the timed run. */
  readonly mainThreadBusy: number;
  /** Median CPU used by the run's process during the timed run (cores). */
  readonly cpuCores: number;
  /** Median CPU used by other processes meanwhile (cores; null off Linux): noise. */
  readonly otherLoadCores: number | null;
  /** Median CPU time of the run's process per image (ms, all its threads). */
  readonly cpuMsPerImage?: number;
  /** Median share of that CPU time spent in the kernel (page faults, mostly). */
  readonly systemShare?: number;
  /** Median minor page faults per image: fresh 4 KB pages touched for the first time. */
  readonly faultsPerImage?: number;
  readonly samples: number;
}

/** One point of our per-core curve. */
export interface RunPoint extends PointStats {
  readonly workers: number;
  readonly speedup: number;
  readonly efficiency: number;
  /**
   * Lowest and highest speedup over the repetitions, each the 1-worker run
   * divided by this point's run of the same repetition (they run back to back).
   */
  readonly speedupRange?: Range;
}

/** The lowest and highest of a ratio over the repetitions. */
export type Range = readonly [number, number];

/** A baseline's numbers. */
export interface BaselineStats extends PointStats {
  /** What it ran. */
  readonly chain: string;
  /** Where its chain or setup differs from ours. */
  readonly differs: string;
  /** Our 1-worker median ÷ this median: the baseline's speed relative to our 1-worker run. */
  readonly speedupVsOurs1: number;
  /** This median ÷ our N-worker median: > 1 means we are faster at N workers. */
  readonly oursNFaster: number;
  /** Lowest and highest of this run ÷ our N-worker run of the same repetition. */
  readonly oursNFasterRange?: Range;
  /** Images actually processed per run, when fewer than the workload (time scaled to the full count). */
  readonly measuredImages?: number;
  readonly setup: string;
  readonly detail?: Record<string, number>;
}

/** Per-stage times of our runs (ms summed over images; stages overlap, so sums exceed wall time). */
export interface StageBreakdown {
  readonly workers: number;
  readonly wallMs: number;
  readonly ms: Record<StageName, number>;
  /** Each stage's share of the summed stage time. */
  readonly share: Record<StageName, number>;
  readonly mainThreadBusy: number;
  readonly mainThreadActiveMs: number;
  readonly tilesPerImage: number;
  readonly peakInFlight: number;
}

export const STAGES = ['read', 'decode', 'compute', 'transferQueue', 'cutReassemble', 'geometry', 'encodeWrite', 'transcode'] as const;
export type StageName = (typeof STAGES)[number];
export const STAGE_LABELS: Record<StageName, string> = {
  read: 'read (fs)',
  decode: 'decode (sharp)',
  compute: 'tile compute (workers)',
  transferQueue: 'transfer/queue (round trip − compute)',
  cutReassemble: 'cut + reassemble (main thread)',
  geometry: 'geometry (sharp)',
  encodeWrite: 'encode + write (sharp)',
  transcode: 'decode + encode in one pipeline (sharp; nothing between them)',
};

/** Amdahl's law fitted to the speedup at N, and projected. */
export interface Amdahl {
  readonly label: 'model, not a measurement';
  readonly workers: number;
  readonly speedup: number;
  /** s = (N/S − 1)/(N − 1); null when N < 2. Clamped to [0, 1]. */
  readonly serialFraction: number | null;
  /** S(n) = 1/(s + (1 − s)/n). */
  readonly projection: Record<string, number> | null;
}

export function pointStats(samples: readonly RunResult[], images: number, mp: number, scaleTo = images): PointStats {
  const k = scaleTo / images; // jimp: measured on a subset, scaled to the whole workload
  const walls = samples.map((s) => s.wallMs * k);
  const medianMs = median(walls);
  return {
    medianMs,
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
    imagesPerSec: scaleTo / (medianMs / 1000),
    mpPerSec: (scaleTo * mp) / (medianMs / 1000),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
    mainThreadBusy: median(samples.map((s) => s.elu.utilization)),
    cpuCores: median(samples.map((s) => s.cpu.ours)),
    otherLoadCores: samples.every((s) => s.cpu.others !== null) ? median(samples.map((s) => s.cpu.others!)) : null,
    cpuMsPerImage: median(samples.map((s) => (s.cpu.ours * s.wallMs) / images)),
    ...(samples.every((s) => s.cpu.system !== undefined && s.minorFaults !== undefined) ? {
      systemShare: median(samples.map((s) => s.cpu.system! / Math.max(1e-9, s.cpu.ours))),
      faultsPerImage: median(samples.map((s) => s.minorFaults! / images)),
    } : {}),
    samples: samples.length,
  };
}

export function stageBreakdown(workers: number, samples: readonly RunResult[]): StageBreakdown {
  const pick = (f: (s: RunResult) => number): number => median(samples.map(f));
  const t = (s: RunResult, key: string): number => (s.times as Record<string, number> | undefined)?.[key] ?? 0;
  const ms: Record<StageName, number> = {
    read: pick((s) => t(s, 'readMs')),
    decode: pick((s) => t(s, 'decodeMs')),
    compute: pick((s) => t(s, 'computeMs')),
    transferQueue: pick((s) => t(s, 'roundTripMs') - t(s, 'computeMs')),
    cutReassemble: pick((s) => t(s, 'cutMs') + t(s, 'reassembleMs')),
    geometry: pick((s) => t(s, 'geometryMs')),
    encodeWrite: pick((s) => t(s, 'encodeMs')),
    transcode: pick((s) => t(s, 'transcodeMs')),
  };
  const total = STAGES.reduce((a, k) => a + ms[k], 0) || 1;
  const share = Object.fromEntries(STAGES.map((k) => [k, ms[k] / total])) as Record<StageName, number>;
  return {
    workers,
    wallMs: pick((s) => s.wallMs),
    ms,
    share,
    mainThreadBusy: pick((s) => s.elu.utilization),
    mainThreadActiveMs: pick((s) => s.elu.activeMs),
    tilesPerImage: pick((s) => t(s, 'tiles') / Math.max(1, t(s, 'images'))),
    peakInFlight: pick((s) => t(s, 'peakInFlight')),
  };
}

export function amdahl(workers: number, speedup: number): Amdahl {
  if (workers < 2) return { label: 'model, not a measurement', workers, speedup, serialFraction: null, projection: null };
  const s = Math.min(1, Math.max(0, (workers / speedup - 1) / (workers - 1)));
  const projection: Record<string, number> = {};
  for (const n of [4, 8, 16, 32]) projection[n] = 1 / (s + (1 - s) / n);
  return { label: 'model, not a measurement', workers, speedup, serialFraction: s, projection };
}

/** Everything measured for one workload. */
export interface WorkloadResult {
  readonly name: string;
  readonly images: number;
  readonly width: number;
  readonly height: number;
  readonly megapixelsPerImage: number;
  readonly chain: string;
  readonly format: string;
  readonly note?: string;
  readonly runs: RunPoint[];
  readonly baselines: Partial<Record<Exclude<Variant, 'tilepipe'>, BaselineStats>>;
  readonly stages: { readonly workers: Record<string, StageBreakdown>; readonly amdahl: Amdahl };
}

/** Raw samples of one workload, by variant key (`tilepipe@n` or a baseline's name). */
export type Samples = Map<string, RunResult[]>;

export interface BaselineInfo {
  readonly chain: string;
  readonly differs: string;
  readonly setup: string;
  readonly measuredImages?: number;
}

/** Min and max over repetitions of a[i] × scale ÷ b[i] (runs of the same repetition); undefined unless both have every repetition. */
function pairedRange(a: readonly RunResult[], b: readonly RunResult[], scale = 1): Range | undefined {
  if (a.length === 0 || a.length !== b.length) return undefined;
  const ratios = a.map((r, i) => (r.wallMs * scale) / b[i].wallMs);
  return [Math.min(...ratios), Math.max(...ratios)];
}

export function summarise(w: Workload, maxWorkers: number, samples: Samples, info: Partial<Record<Exclude<Variant, 'tilepipe'>, BaselineInfo>>): WorkloadResult {
  const runs: RunPoint[] = [];
  let t1 = NaN;
  for (let n = 1; n <= maxWorkers; n++) {
    const s = samples.get(`tilepipe@${n}`) ?? [];
    if (s.length === 0) continue;
    const p = pointStats(s, w.count, w.mp);
    if (n === 1) t1 = p.medianMs;
    const speedup = t1 / p.medianMs;
    const range = n > 1 ? pairedRange(samples.get('tilepipe@1') ?? [], s) : undefined;
    runs.push({ workers: n, ...p, speedup, efficiency: speedup / n, ...(range ? { speedupRange: range } : {}) });
  }
  const last = runs[runs.length - 1];
  const baselines: WorkloadResult['baselines'] = {};
  for (const [name, b] of Object.entries(info) as [Exclude<Variant, 'tilepipe'>, BaselineInfo][]) {
    const s = samples.get(name) ?? [];
    if (s.length === 0) continue;
    const measured = b.measuredImages ?? w.count;
    const p = pointStats(s, measured, w.mp, w.count);
    const detail = s[0].detail;
    const range = pairedRange(s, samples.get(`tilepipe@${last.workers}`) ?? [], w.count / measured);
    baselines[name] = {
      ...p, chain: b.chain, differs: b.differs, setup: b.setup,
      speedupVsOurs1: t1 / p.medianMs,
      oursNFaster: p.medianMs / last.medianMs,
      ...(range ? { oursNFasterRange: range } : {}),
      ...(b.measuredImages !== undefined && b.measuredImages < w.count ? { measuredImages: b.measuredImages } : {}),
      ...(detail ? { detail } : {}),
    };
  }
  const stageWorkers: Record<string, StageBreakdown> = {};
  for (const n of new Set([1, last.workers])) stageWorkers[n] = stageBreakdown(n, samples.get(`tilepipe@${n}`) ?? []);
  return {
    name: w.name, images: w.count, width: w.width, height: w.height, megapixelsPerImage: w.mp,
    chain: w.ops.join(' → '), format: w.format, ...(w.note ? { note: w.note } : {}),
    runs, baselines,
    stages: { workers: stageWorkers, amdahl: amdahl(last.workers, last.speedup) },
  };
}
