/**
 * Commands timed in turn, each in a fresh Node process, round after round: the
 * loop and the reporting shared by fixed-costs.ts and avif.ts.
 */
import { spawnSync } from 'node:child_process';
import { median } from './workload.js';

/** One timed command: Node's arguments, and an environment if not the run's. */
export interface TimedCommand {
  readonly name: string;
  readonly argv: string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** The value after `name` on the command line ('' if it ends there), or undefined without it. */
export function optionValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1] ?? '';
}

/** The environment for timed children: without `NODE_EXTRA_CA_CERTS` (Node parses that bundle at every start) unless `keep`. */
export function childEnv(keep = false): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (!keep) delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/**
 * Runs every command once per round, in turn, in `cwd`; returns each one's
 * times (ms) by name. `warmup`: a first round, not kept, that warms the page
 * cache. `after` runs after each command (e.g. to look at its output). A
 * command that fails ends the run.
 */
export async function timeRounds<C extends TimedCommand>(
  commands: readonly C[], rounds: number, options: { cwd: string; env: NodeJS.ProcessEnv; warmup?: boolean; after?: (c: C, round: number) => Promise<void> },
): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  for (let r = options.warmup ? -1 : 0; r < rounds; r++) {
    for (const c of commands) {
      const t = performance.now();
      const res = spawnSync(process.execPath, c.argv, { cwd: options.cwd, env: c.env ?? options.env, stdio: ['ignore', 'ignore', 'pipe'] });
      const ms = performance.now() - t;
      if (res.status !== 0) throw new Error(`${c.name} failed (exit ${res.status}): ${res.stderr.toString().trim()}`);
      if (r >= 0) times.get(c.name)!.push(ms);
      await options.after?.(c, r);
    }
  }
  return times;
}

/** a's times ÷ b's, round by round. */
export function ratios(times: Map<string, number[]>, a: string, b: string): number[] {
  const tb = times.get(b)!;
  return times.get(a)!.map((v, i) => v / tb[i]);
}

/** The median of round-by-round ratios, and their range. */
export const shownRatio = (rs: readonly number[]): string => `${median(rs).toFixed(2)}× (${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})`;
