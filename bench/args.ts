/** The benchmark's command line: options, parsing and usage. */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOAD_NAMES, type WorkloadName } from './suite.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The benchmark's command-line options (see run.ts). */
export interface Options {
  quick: boolean;
  json: boolean;
  runs: number;
  maxWorkers: number;
  scale: number;
  images?: number;
  jimpImages?: number;
  jimp: boolean;
  pin: boolean;
  workloads: WorkloadName[];
  results: string;
  fromJson?: string;
  /** `--workload queue`: the queue benchmark (bench/queue.ts). */
  queue?: boolean;
}

/** Prints usage with `msg` and exits 2. */
export function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\nusage: node dist/bench/run.js [--quick] [--json] [--workload batch|big|custom|photos|photos-fast|photos-resize|queue]... [--runs N] [--max-workers N] [--scale F] [--images N] [--jimp-images N] [--no-jimp] [--no-pin] [--results DIR] [--from-json FILE]\n`);
  process.exit(2);
}

/** Parses the benchmark's arguments; exits 2 with usage on a bad one. */
export function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    quick: false, json: false, runs: 0, maxWorkers: os.availableParallelism(), scale: 1,
    jimp: true, pin: true, workloads: [], results: path.join(REPO, 'bench', 'results'),
  };
  const num = (name: string, v: string | undefined, int: boolean, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min || (int && !Number.isInteger(n))) usage(`--${name} needs ${int ? 'an integer' : 'a number'} ≥ ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--quick': o.quick = true; break;
      case '--json': o.json = true; break;
      case '--no-jimp': o.jimp = false; break;
      case '--no-pin': o.pin = false; break;
      case '--runs': o.runs = num('runs', value(), true, 1); break;
      case '--max-workers': o.maxWorkers = num('max-workers', value(), true, 1); break;
      case '--scale': o.scale = num('scale', value(), false, 0.0001); break;
      case '--images': o.images = num('images', value(), true, 1); break;
      case '--jimp-images': o.jimpImages = num('jimp-images', value(), true, 1); break;
      case '--results': o.results = path.resolve(value() ?? usage('--results needs a folder')); break;
      case '--from-json': o.fromJson = path.resolve(value() ?? usage('--from-json needs a file')); break;
      case '--workload': {
        for (const w of (value() ?? '').split(',')) {
          if (w === 'queue') {
            o.queue = true;
            continue;
          }
          if (!WORKLOAD_NAMES.includes(w as WorkloadName)) usage(`--workload must be one of ${WORKLOAD_NAMES.join(', ')}, queue; got ${JSON.stringify(w)}`);
          if (!o.workloads.includes(w as WorkloadName)) o.workloads.push(w as WorkloadName);
        }
        break;
      }
      case '--help': case '-h': usage('help');
      default: usage(`unknown option ${a}`);
    }
  }
  if (o.runs === 0) o.runs = o.quick ? 3 : 5;
  if (o.workloads.length === 0 && !o.queue) o.workloads = [...WORKLOAD_NAMES];
  return o;
}
