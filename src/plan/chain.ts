/**
 * Operation chains: parsing `name:key=value,...` strings and `{ op, ...params }`
 * objects into validated operation instances.
 */
import type { BuiltinOpParams } from '../ops/op-params.js';
import type { OpDefinition } from '../model/op.js';
import { validateParams } from '../model/param.js';
import { ValidationError } from '../model/errors.js';
import type { OpRegistry } from './registry.js';

/** One step of a chain as a user writes it: `'blur:sigma=2'` or `{ op: 'blur', sigma: 2 }`. */
export type OpSpec = string | { readonly op: string; readonly [param: string]: unknown };

/**
 * Operations' parameters by name, for typed chains. The built-ins are listed
 * (generated: ../ops/op-params.ts); a plugin adds its own by declaration
 * merging: `declare module 'tilepipe' { interface OpParams { 'my-op': { strength?: number } } }`.
 */
export interface OpParams extends BuiltinOpParams {}

/** The name of an operation known to the types. */
export type OpName = keyof OpParams & string;

/** An op as an object, `{ op: 'blur', sigma: 2 }`: a misspelt op or parameter, or a wrong value type, is a compile error. */
export type OpObject = { [K in OpName]: { readonly op: K } & Readonly<OpParams[K]> }[OpName];

/** An op as a string, `'blur'` or `'blur:sigma=2'`: the name is checked when compiling, the parameters when run. */
export type OpString = OpName | `${OpName}:${string}`;

/** One step of a chain as the library's options take it (every step is validated again when run). */
export type ChainStep = OpString | OpObject;

/** A validated chain step: the operation and its full parameter set (defaults applied). */
export interface OpInstance {
  readonly def: OpDefinition;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Splits `name:key=value,key=value` into a name and raw string parameters. */
export function parseOpString(spec: string): { op: string; params: Record<string, string> } {
  const colon = spec.indexOf(':');
  const op = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const params: Record<string, string> = {};
  if (colon >= 0) {
    const rest = spec.slice(colon + 1);
    for (const part of rest.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw new ValidationError(`${op}: expected key=value, got "${part}" in "${spec}"`);
      const key = part.slice(0, eq).trim();
      if (Object.hasOwn(params, key)) throw new ValidationError(`${op}: parameter "${key}" is given twice in "${spec}"`);
      params[key] = part.slice(eq + 1).trim();
    }
  }
  if (op === '') throw new ValidationError(`empty operation in "${spec}"`);
  return { op, params };
}

/** Validates one chain step against the registry. */
export function resolveOp(spec: OpSpec, registry: OpRegistry): OpInstance {
  let name: string;
  let raw: Record<string, unknown>;
  if (typeof spec === 'string') {
    const parsed = parseOpString(spec);
    name = parsed.op;
    raw = parsed.params;
  } else if (spec && typeof spec === 'object' && typeof spec.op === 'string') {
    const { op, ...rest } = spec;
    name = op;
    raw = rest;
  } else {
    throw new ValidationError(`an operation must be a string like "blur:sigma=2" or an object like { op: "blur", sigma: 2 }, got ${JSON.stringify(spec)}`);
  }
  const def = registry.get(name);
  const params = validateParams(def.name, def.params, raw);
  def.check?.(params);
  return { def, params };
}

/** Validates a whole chain; the first invalid step throws a ValidationError naming it. */
export function resolveChain(specs: readonly OpSpec[], registry: OpRegistry): OpInstance[] {
  if (!Array.isArray(specs)) throw new ValidationError('ops must be an array of operation specs');
  return specs.map((s) => resolveOp(s, registry));
}

/** The canonical string form of an instance (`blur:sigma=2`), used in cache keys and logs. */
export function formatOp(inst: OpInstance): string {
  const params = Object.entries(inst.params)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(' ') : String(v)}`)
    .join(',');
  return params ? `${inst.def.name}:${params}` : inst.def.name;
}
