/**
 * The set of operations a pipeline knows: the built-ins plus any loaded plugins.
 * The coordinator and every worker build the same registry, so an op is found
 * by name on either side of the thread boundary.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { OpDefinition } from '../model/op.js';
import { defineOp } from '../model/op.js';
import { ValidationError } from '../model/errors.js';
import { importModule } from '../model/module-import.js';
import { builtinOps } from '../ops/index.js';

/** Name → operation lookup. */
export class OpRegistry {
  readonly #ops = new Map<string, OpDefinition>();

  /** A registry holding the built-in operations. */
  constructor(ops: readonly OpDefinition[] = builtinOps) {
    for (const op of ops) this.add(op);
  }

  /** Adds an operation; a name may be registered once. */
  add(op: OpDefinition): void {
    if (this.#ops.has(op.name)) throw new ValidationError(`operation "${op.name}" is already defined`);
    this.#ops.set(op.name, op);
  }

  /** The operation called `name`; throws a ValidationError that lists the valid names if there is none. */
  get(name: string): OpDefinition {
    const op = this.#ops.get(name);
    if (!op) {
      throw new ValidationError(`unknown operation "${name}"; valid: ${[...this.#ops.keys()].sort().join(', ')}`);
    }
    return op;
  }

  /** Every registered operation, sorted by name. */
  list(): OpDefinition[] {
    return [...this.#ops.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/**
 * Imports plugin modules and returns every operation they export (each export
 * made with `defineOp`, or an array of them). Relative paths resolve against `cwd`.
 */
export async function loadPlugins(paths: readonly string[], cwd = process.cwd()): Promise<OpDefinition[]> {
  const ops: OpDefinition[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let mod: Record<string, unknown>;
    try {
      mod = (await importModule(pathToFileURL(abs).href)) as Record<string, unknown>;
    } catch (err) {
      throw new ValidationError(`plugin ${p}: cannot load: ${(err as Error).message.split('\n')[0]}`);
    }
    for (const value of Object.values(mod)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item && typeof item === 'object' && 'kind' in item && 'name' in item) ops.push(defineOp(item as OpDefinition));
      }
    }
    if (ops.length === 0) throw new ValidationError(`plugin ${p}: exports no operation made with defineOp()`);
  }
  return ops;
}

/** A registry of the built-ins plus the plugins at `paths`. */
export async function createRegistry(plugins: readonly string[] = []): Promise<OpRegistry> {
  const registry = new OpRegistry();
  for (const op of await loadPlugins(plugins)) registry.add(op);
  return registry;
}
