/**
 * The planner: splits a chain into stages. Consecutive point and
 * neighbourhood ops share one pass over each tile; geometry ops run in sharp
 * between tile stages; a global op ends its stage with a per-tile summary
 * (reduced on the coordinator) and applies at the start of the next one.
 */
import type { OpInstance } from './chain.js';

/** One op inside a tile stage, with its halo radius resolved. */
export interface PlannedStep {
  readonly inst: OpInstance;
  readonly radius: number;
}

/** A pass over tiles in the worker pool. */
export interface TileStage {
  readonly kind: 'tile';
  readonly steps: PlannedStep[];
  /** Sum of the steps' radii: the halo each tile needs. */
  readonly radius: number;
  /** A global op whose per-tile summaries this stage computes on its output. */
  readonly reduce?: OpInstance;
}

/** One or more geometry ops run through sharp on the whole image. */
export interface GeometryStage {
  readonly kind: 'geometry';
  readonly ops: OpInstance[];
}

/** A stage of a plan. */
export type Stage = TileStage | GeometryStage;

/**
 * Whether a stage is only lookup-table point ops (no summary): one fused
 * table over every pixel, which the coordinator applies in place without
 * cutting tiles (the same table and bytes as in a worker, with no copies).
 */
export function isLutStage(stage: Stage): stage is TileStage {
  return stage.kind === 'tile' && stage.reduce === undefined && stage.steps.length > 0 &&
    stage.steps.every((s) => s.inst.def.kind === 'point' && typeof s.inst.def.lut === 'function');
}

/**
 * The one point op that makes up all of `stages`, when it has a libvips
 * equivalent (`native`): the engine can then run it inside a one-pipeline
 * transcode. Undefined for anything else (several ops keep the two-step
 * path: sharp orders its own steps).
 */
export function nativePointOp(stages: readonly Stage[]): OpInstance | undefined {
  const [only, ...more] = stages;
  if (more.length > 0 || !only || !isLutStage(only) || only.steps.length !== 1) return undefined;
  const inst = only.steps[0].inst;
  return inst.def.kind === 'point' && typeof inst.def.native === 'function' ? inst : undefined;
}

/** Whether running the stages needs the worker pool (any tile stage that is not lookup tables only). */
export function needsPool(stages: readonly Stage[]): boolean {
  return stages.some((st) => st.kind === 'tile' && !isLutStage(st));
}

function radiusOf(inst: OpInstance): number {
  return inst.def.kind === 'neighbourhood' ? inst.def.radius(inst.params as never) : 0;
}

/** Splits a validated chain into stages, in order. */
export function planChain(chain: readonly OpInstance[]): Stage[] {
  const stages: Stage[] = [];
  let steps: PlannedStep[] = [];
  const closeTiles = (reduce?: OpInstance): void => {
    if (steps.length === 0 && !reduce) return;
    const radius = steps.reduce((r, s) => r + s.radius, 0);
    stages.push(reduce ? { kind: 'tile', steps, radius, reduce } : { kind: 'tile', steps, radius });
    steps = [];
  };
  for (const inst of chain) {
    switch (inst.def.kind) {
      case 'geometry': {
        closeTiles();
        const last = stages[stages.length - 1];
        if (last?.kind === 'geometry') last.ops.push(inst);
        else stages.push({ kind: 'geometry', ops: [inst] });
        break;
      }
      case 'global':
        closeTiles(inst);
        steps.push({ inst, radius: 0 });
        break;
      default:
        steps.push({ inst, radius: radiusOf(inst) });
    }
  }
  closeTiles();
  return stages;
}

/**
 * Splits off the op that can run while decoding: the first op of a leading
 * geometry stage, when it is declared `onLoad`. The rest of the plan runs on
 * the decoded raster as usual.
 */
export function splitOnLoad(stages: readonly Stage[]): { onLoad?: OpInstance; stages: Stage[] } {
  const first = stages[0];
  if (first?.kind !== 'geometry') return { stages: [...stages] };
  const [lead, ...more] = first.ops;
  if (lead.def.kind !== 'geometry' || lead.def.onLoad !== true) return { stages: [...stages] };
  const rest = stages.slice(1);
  return { onLoad: lead, stages: more.length > 0 ? [{ kind: 'geometry', ops: more }, ...rest] : rest };
}
