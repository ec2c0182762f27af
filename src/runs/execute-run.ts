/**
 * The last phase of a folder run: inputs with identical content and options
 * are grouped (one leader is processed, the rest copy its outputs); a leader
 * whose outputs are all in the cache is restored from it; the other leaders
 * go through the engine, and their outputs are stored in the cache.
 */
import { copyFile } from 'node:fs/promises';
import { writeAtomic } from '../io/atomic-write.js';
import type { ChainStep } from '../plan/chain.js';
import type { Engine } from '../exec/engine.js';
import type { OutputCache } from './cache.js';
import type { RunReport } from './run-report.js';
import type { FileEvent, PlannedInput, WrittenRecord } from './run-types.js';

/** What the execute phase works with. */
export interface ExecuteContext {
  readonly engine: Engine;
  readonly cache: OutputCache | undefined;
  readonly report: RunReport;
  readonly ops: readonly ChainStep[] | undefined;
  readonly outDir: string;
  readonly signal: AbortSignal;
}

/** Processes, restores or copies every input of `todo`. */
export async function executeRun(ctx: ExecuteContext, todo: readonly PlannedInput[]): Promise<void> {
  const { engine, cache, report, signal, outDir } = ctx;
  /** Copies item's outputs from the cache, or from another item's finished outputs: the records, or the reason it failed. */
  const copyOutputs = async (item: PlannedInput, from?: WrittenRecord[]): Promise<WrittenRecord[] | Error> => {
    try {
      return await Promise.all(item.outputs.map(async (o, i) => {
        if (!from) return cache!.restore(item.keys[i], o.format, o.path, { signal, within: outDir });
        const { size, mtimeMs, path: written } = await writeAtomic(o.path, (tmp) => copyFile(from[i].path, tmp), { signal, within: outDir });
        return { ...from[i], path: written, bytes: size, mtimeMs };
      }));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  };
  const copied = (item: PlannedInput, result: WrittenRecord[] | Error, from: FileEvent['from'], t0: number): void => {
    if (!(result instanceof Error)) report.done(item, result, from, t0);
    else if (!signal.aborted) report.failed(item, `${item.file.path}: ${result.message.split('\n')[0]}`, t0);
  };

  const groups = new Map<string, PlannedInput[]>();
  for (const item of todo) {
    const key = `${item.hash}/${item.entry.optionsKey}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const leaders: PlannedInput[] = [];
  for (const [leader, ...followers] of groups.values()) {
    const t0 = performance.now();
    if (cache && !signal.aborted && (await Promise.all(leader.outputs.map((o, i) => cache.lookup(leader.keys[i], o.format)))).every(Boolean)) {
      const restored = await copyOutputs(leader);
      if (!(restored instanceof Error)) {
        report.done(leader, restored, 'cache', t0);
        for (const f of followers) copied(f, await copyOutputs(f, restored), 'cache', t0);
        continue;
      }
    }
    leaders.push(leader);
  }
  const followersOf = new Map([...groups.values()].map(([leader, ...rest]) => [leader.file.path, rest]));
  const byInput = new Map(todo.map((t) => [t.file.path, t]));
  const copies: Promise<void>[] = [];
  // Followers of a failed leader are processed on their own: the failure may be the leader's output's.
  const orphans: PlannedInput[] = [];
  const processAll = (items: PlannedInput[]) =>
    engine.processFiles(items.map((t) => ({ input: t.file.path, outputs: t.outputs })), {
      ops: ctx.ops,
      signal,
      onEvent: (e) => {
        if (e.type === 'decoded') report.megapixels += (e.width * e.height) / 1e6;
        if (e.type !== 'file') return;
        const r = e.result;
        if (r.status === 'failed' && signal.aborted && report.firstError === undefined) return; // abandoned by the interrupt, not failed
        const item = byInput.get(r.input)!;
        const t0 = performance.now() - r.ms;
        const followers = followersOf.get(r.input) ?? [];
        if (r.status === 'ok') {
          report.done(item, r.outputs, undefined, t0, r.warning);
          copies.push((async () => {
            if (cache) await Promise.all(r.outputs.map((o, i) => cache.store(item.keys[i], o.format, o.path).catch(() => {})));
            for (const f of followers) copied(f, await copyOutputs(f, r.outputs), 'duplicate', t0);
          })());
        } else {
          report.failed(item, r.error ?? `${r.input}: failed`, t0);
          orphans.push(...followers);
        }
      },
    });
  await processAll(leaders);
  followersOf.clear();
  if (orphans.length > 0 && !signal.aborted) await processAll(orphans);
  await Promise.all(copies);
}
