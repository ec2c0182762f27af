/**
 * The benchmark's outputs: the markdown report and the JSON object (the
 * chart is chart.ts).
 */
import { STAGES, STAGE_LABELS, type Range, type WorkloadResult } from './stats.js';
import { describeTunedMalloc, type MallocTuning } from '../src/io/malloc-tuning.js';

/** The machine the numbers come from. */
export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly node: string;
  readonly sharp: string;
  readonly libvips: string;
  readonly platform: string;
  readonly totalMemMb: number;
  /** 1-minute load average when the benchmark started: other work on the machine skews timings. */
  readonly loadAvgAtStart: number;
  /** Pure-JS CPU loop: throughput on `threads` threads ÷ on one, measured at start: the machine's scaling ceiling. */
  readonly cpuScaling: { readonly threads: number; readonly ratio: number };
  /** µs to touch a fresh 4 KB page for the first time (a minor page fault), measured at start. */
  readonly pageFaultMicros?: number;
}

/** A number the benchmark should show (never asserted). */
export interface Target {
  readonly what: string;
  readonly target: string;
  readonly measured: number | null;
  /** The measured ratio's lowest and highest over the repetitions (see RunPoint.speedupRange). */
  readonly range?: Range;
  readonly met: boolean | null;
  /** What the same machine gives another tool on the same work, for scale (a speedup target: sharp's own 1 → N cores). */
  readonly reference?: { readonly what: string; readonly value: number };
  /** Other processes used more than DISTURBED_CORES during the runs behind this number. */
  readonly disturbed: boolean;
}

/** Other load (cores) above which a run's timing is flagged as disturbed. */
export const DISTURBED_CORES = 0.2;

/** Baselines that run as child processes (xargs, mogrify): their own CPU shows as "other load", so it says nothing about disturbance. */
const CHILD_PROCESS_BASELINES = new Set(['vips-cli', 'magick']);

function maxOtherLoad(w: WorkloadResult): number {
  const loads = [...w.runs, ...Object.entries(w.baselines).filter(([name]) => !CHILD_PROCESS_BASELINES.has(name)).map(([, b]) => b)].map((p) => p?.otherLoadCores ?? 0);
  return Math.max(0, ...loads);
}

/** The whole result, as `--json` prints it. */
export interface BenchReport {
  readonly machine: Machine;
  readonly settings: {
    readonly quick: boolean;
    readonly runs: number;
    readonly warmupRuns: number;
    readonly maxWorkers: number;
    readonly pinned: boolean;
    readonly order: string;
    /**
     * glibc's MALLOC_ARENA_MAX as every child ran with (inherited from the bench's own
     * environment, the same for tilepipe and the baselines); undefined: unset (glibc's default).
     */
    readonly mallocArenaMax?: string;
    /** glibc's GLIBC_TUNABLES as every child ran with (inherited likewise); undefined: unset. */
    readonly glibcTunables?: string;
    /** What tilepipe's runs did with glibc's allocator (src/io/malloc-tuning.ts); absent off glibc. */
    readonly tilepipeMalloc?: MallocTuning;
  };
  readonly workloads: WorkloadResult[];
  readonly targets: Target[];
  readonly chart: { readonly svg: string; readonly png: string | null };
  readonly totalSeconds: number;
}

const f0 = (v: number): string => v.toFixed(0);
const f1 = (v: number): string => v.toFixed(1);
const f2 = (v: number): string => v.toFixed(2);
const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
const load = (v: number | null): string => (v === null ? 'n/a' : f2(v));

/** The targets the benchmark should show, evaluated on the measurements. */
export function targets(workloads: readonly WorkloadResult[]): Target[] {
  const out: Target[] = [];
  for (const [name, min] of [['batch', 1.85], ['custom', 1.85], ['photos', 1.85], ['big', 1.5]] as const) {
    const w = workloads.find((x) => x.name === name);
    if (!w) continue;
    const p = w.runs.find((r) => r.workers === 2);
    const m = p?.speedup ?? null;
    // Like for like with our speedup: both sharp runs with tilepipe's allocator settings, one core against all.
    const one = w.baselines['sharp-one-core'];
    const all = w.baselines['sharp-malloc'];
    out.push({
      what: `${name}: speedup at 2 workers`, target: `≥ ${min}`, measured: m, range: p?.speedupRange,
      met: m === null ? null : m >= min, disturbed: maxOtherLoad(w) > DISTURBED_CORES,
      ...(one && all ? { reference: { what: `sharp's own (sharp-one-core ÷ sharp-malloc), 1 core → ${w.runs[w.runs.length - 1].workers}`, value: one.medianMs / all.medianMs } } : {}),
    });
  }
  const batch = workloads.find((w) => w.name === 'batch');
  const tuned = batch?.baselines['sharp-tuned'];
  if (batch && tuned) {
    const ratio = tuned.oursNFaster;
    out.push({
      what: `batch: our throughput at ${batch.runs[batch.runs.length - 1].workers} workers ÷ sharp-tuned`, target: '≥ 1.0×', measured: ratio,
      range: tuned.oursNFasterRange, met: ratio >= 1, disturbed: maxOtherLoad(batch) > DISTURBED_CORES,
    });
  }
  // Photos: defaults against defaults, like against like (exact kernels), approximate against sharp's defaults.
  const photoTargets = [
    ['photos', 'sharp-tuned', 'photos (our defaults, exact kernels) ÷ sharp-tuned with its defaults', 1.0],
    ['photos', 'sharp-like', 'photos (exact kernels) ÷ sharp-tuned like for like (float blur, sharpen({ sigma: 1 }))', 1.5],
    ['photos-fast', 'sharp-tuned', 'photos-fast (precision=approximate) ÷ sharp-tuned with its defaults', 1.0],
    ['photos-resize', 'sharp-tuned', 'photos-resize (resize only) ÷ sharp-tuned, the same work', 0.95],
  ] as const;
  for (const [name, baseline, what, min] of photoTargets) {
    const w = workloads.find((x) => x.name === name);
    const b = w?.baselines[baseline];
    if (!w || !b) continue;
    out.push({
      what: `${what}, at ${w.runs[w.runs.length - 1].workers} workers`, target: `≥ ${min.toFixed(2)}×`, measured: b.oursNFaster,
      range: b.oursNFasterRange, met: b.oursNFaster >= min, disturbed: maxOtherLoad(w) > DISTURBED_CORES,
    });
  }
  return out;
}

function mallocLine(m: MallocTuning | undefined): string {
  if (!m) return '';
  if (!m.tuned) return `tilepipe left it so (${m.reason}).`;
  return `tilepipe's runs tune their own process as a pipeline does (mallopt: ${describeTunedMalloc()}); main-thread (tilepipe's code), sharp-malloc and sharp-one-core (sharp-tuned's script on all cores and on one) run with the same settings; the other baselines keep glibc's.`;
}

/** The markdown report. */
export function markdown(r: BenchReport): string {
  const m = r.machine;
  const L: string[] = [];
  L.push(`# tilepipe benchmark${r.settings.quick ? ' (quick)' : ''}`, '');
  L.push(`Machine: ${m.cores} cores (${m.cpu}), ${f0(m.totalMemMb)} MB RAM, Node ${m.node}, sharp ${m.sharp} (libvips ${m.libvips}), ${m.platform}; load average at start ${f2(m.loadAvgAtStart)}.`);
  L.push(`Scaling ceiling of this machine right now: a pure-JS CPU loop runs ${f2(m.cpuScaling.ratio)}× faster on ${m.cpuScaling.threads} threads than on 1 (ideal ${m.cpuScaling.threads}); no pipeline can beat that.`);
  if (m.pageFaultMicros !== undefined) L.push(`A fresh 4 KB page costs ${f1(m.pageFaultMicros)} µs here the first time it is touched (a minor page fault: the kernel maps and zeroes it); "work per image" below counts them.`);
  L.push('"CPU used" is the run process\'s CPU time ÷ wall time (cores kept busy); "other load" is CPU used meanwhile by other processes on the machine (from /proc/stat): when it is not ≈ 0, timings are disturbed.');
  L.push(`Each point: median of ${r.settings.runs} runs after ${r.settings.warmupRuns} warm-up run (min–max shown), each run a fresh child process that first processes one small warm-up image untimed (≤ 1 MP; quick: ≤ 0.15 MP).`);
  if (r.settings.quick) L.push('**Quick mode is a smoke run**: each timed run lasts a few hundred ms over a handful of small images, so speedups move by ±0.3–0.6 from one invocation to the next even on an idle machine. Use the full run (`npm run bench`) for numbers.');
  L.push(`Order: ${r.settings.order}. ${r.settings.pinned ? 'Our n-worker runs are pinned to n cores (taskset); baselines may use every core.' : 'No core pinning.'}`);
  L.push(`glibc allocator from the environment: ${r.settings.mallocArenaMax === undefined ? 'default arenas (MALLOC_ARENA_MAX unset)' : `MALLOC_ARENA_MAX=${r.settings.mallocArenaMax}`}${r.settings.glibcTunables === undefined ? '' : `, GLIBC_TUNABLES=${r.settings.glibcTunables}`}, the same for every run. ${mallocLine(r.settings.tilepipeMalloc)}`);
  L.push('');
  for (const w of r.workloads) {
    L.push(`## ${w.name}: ${w.images} × ${f1(w.megapixelsPerImage)} MP (${w.width}×${w.height}) JPEG → ${w.chain} → ${w.format}`, '');
    if (w.note) L.push(`> ${w.note}`, '');
    L.push('| workers | median ms | min ms | max ms | speedup | efficiency | images/s | MP/s | peak RSS MB | main thread busy | CPU used | other load |');
    L.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const p of w.runs) {
      L.push(`| ${p.workers} | ${f0(p.medianMs)} | ${f0(p.minMs)} | ${f0(p.maxMs)} | ${f2(p.speedup)} | ${pct(p.efficiency)} | ${f2(p.imagesPerSec)} | ${f1(p.mpPerSec)} | ${f0(p.peakRssMb)} | ${pct(p.mainThreadBusy)} | ${f2(p.cpuCores)} | ${load(p.otherLoadCores)} |`);
    }
    const N = w.runs[w.runs.length - 1].workers;
    const other = maxOtherLoad(w);
    if (other > DISTURBED_CORES) {
      L.push('', `> ⚠ Other processes used up to ${f2(other)} cores (median per point) while these runs were timed, on a ${m.cores}-core machine: the speedups and ratios for this workload are not conclusive. Rerun on an idle machine.`);
    }
    L.push('');
    L.push(`Baselines (same runs, interleaved). "vs ours@1" = our 1-worker time ÷ theirs (> 1: faster than our 1 worker); "ours@${N} faster" = their time ÷ our ${N}-worker time (> 1: we win).`, '');
    L.push(`| baseline | median ms | min ms | max ms | images/s | MP/s | vs ours@1 | ours@${N} faster | peak RSS MB | CPU used | other load | setup |`);
    L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const [name, b] of Object.entries(w.baselines)) {
      if (!b) continue;
      const scaled = b.measuredImages ? ` (${b.measuredImages} of ${w.images} images, scaled)` : '';
      const child = CHILD_PROCESS_BASELINES.has(name);
      L.push(`| ${name}${scaled} | ${f0(b.medianMs)} | ${f0(b.minMs)} | ${f0(b.maxMs)} | ${f2(b.imagesPerSec)} | ${f1(b.mpPerSec)} | ${f2(b.speedupVsOurs1)}× | ${f2(b.oursNFaster)}× | ${child ? 'n/a' : f0(b.peakRssMb)} | ${child ? 'n/a' : f2(b.cpuCores)} | ${child ? `${load(b.otherLoadCores)} (its own child processes)` : load(b.otherLoadCores)} | ${b.setup} |`);
    }
    L.push('');
    // One line per distinct chain (sharp-tuned and sharp-default share theirs).
    const chains = new Map<string, string[]>();
    for (const [name, b] of Object.entries(w.baselines)) {
      if (!b || !b.differs) continue;
      const key = `\`${b.chain}\`. Differs: ${b.differs}`;
      chains.set(key, [...(chains.get(key) ?? []), name]);
    }
    for (const [key, names] of chains) L.push(`- **${names.join(' / ')}** chain: ${key}`);
    L.push('');
    const work = [...w.runs.map((p) => [`tilepipe@${p.workers}`, p] as const), ...Object.entries(w.baselines).filter(([name, b]) => b && !CHILD_PROCESS_BASELINES.has(name))]
      .filter(([, p]) => p?.faultsPerImage !== undefined)
      .map(([name, p]) => `${name} ${f0(p!.cpuMsPerImage!)} ms (${pct(p!.systemShare!)} in the kernel, ${f1(p!.faultsPerImage! / 1000)}k faults)`);
    if (work.length > 0) L.push(`Work per image (medians; CPU time of the run's process, all its threads; the kernel's share; minor page faults, i.e. fresh pages touched): ${work.join(' · ')}.`, '');
    const ns = Object.keys(w.stages.workers);
    L.push(`Where time goes (our runs; ms summed over images, stages overlap, so shares are of the summed stage time, not of wall time; transfer/queue is mostly waiting for a worker, read/decode/encode include waiting for a libuv thread):`, '');
    L.push(`| stage | ${ns.map((n) => `${n} worker${n === '1' ? '' : 's'}: ms`).join(' | ')} | ${ns.map((n) => `share @${n}`).join(' | ')} |`);
    L.push(`|---|${ns.map(() => '---:').join('|')}|${ns.map(() => '---:').join('|')}|`);
    for (const k of STAGES) {
      L.push(`| ${STAGE_LABELS[k]} | ${ns.map((n) => f0(w.stages.workers[n].ms[k])).join(' | ')} | ${ns.map((n) => pct(w.stages.workers[n].share[k])).join(' | ')} |`);
    }
    L.push(`| wall time (median) | ${ns.map((n) => f0(w.stages.workers[n].wallMs)).join(' | ')} | | |`);
    L.push(`| main thread busy (event-loop utilisation) | ${ns.map((n) => `${pct(w.stages.workers[n].mainThreadBusy)} (${f0(w.stages.workers[n].mainThreadActiveMs)} ms)`).join(' | ')} | | |`);
    L.push(`| tiles per image · peak images in flight | ${ns.map((n) => `${f1(w.stages.workers[n].tilesPerImage)} · ${w.stages.workers[n].peakInFlight}`).join(' | ')} | | |`);
    L.push('');
    const a = w.stages.amdahl;
    if (a.serialFraction !== null && a.projection) {
      L.push(`Amdahl (**model, not a measurement**): measured speedup ${f2(a.speedup)} at ${a.workers} workers ⇒ serial fraction s = (N/S − 1)/(N − 1) = ${f2(a.serialFraction)}; ` +
        `projected S(n) = 1/(s + (1 − s)/n): ${Object.entries(a.projection).map(([n, s]) => `${n} cores ${f1(s)}×`).join(', ')}.` +
        (a.workers === 2 ? ' Fitted from 2 points only: a rough guide.' : '') +
        (a.speedup >= a.workers ? ` The measured speedup is ≥ ${a.workers} (noise, or the 1-worker run sharing its one core with decode/encode), so s is clamped to 0 and the projection is just the ideal line: no information.` : ''));
    } else {
      L.push('Amdahl: needs at least 2 workers.');
    }
    L.push('');
  }
  L.push('## Targets (shown, not asserted)', '');
  L.push('"range": the ratio\'s lowest and highest over the repetitions, each from runs of the same repetition; a target inside it is not settled by this run.', '');
  L.push('| what | target | measured | range | met | for scale |', '|---|---|---:|---:|---|---|');
  for (const t of r.targets) {
    const met = t.met === null ? 'n/a' : t.met ? 'yes' : 'no';
    const range = t.range ? `${f2(t.range[0])}–${f2(t.range[1])}` : '';
    const reference = t.reference ? `${t.reference.what}: ${f2(t.reference.value)}` : '';
    L.push(`| ${t.what} | ${t.target} | ${t.measured === null ? 'n/a' : f2(t.measured)} | ${range} | ${met}${t.disturbed ? ' (runs disturbed by other load: not conclusive)' : ''} | ${reference} |`);
  }
  L.push('');
  L.push(`Chart: ${r.chart.svg}${r.chart.png ? ` (PNG: ${r.chart.png})` : ''}. Total ${f0(r.totalSeconds)} s.`);
  return L.join('\n');
}
