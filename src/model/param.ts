import { ValidationError } from './errors.js';
/**
 * Parameter schemas for operations, and their validation.
 *
 * Every operation declares its parameters once with these specs; the same
 * declaration drives validation (at the API and CLI edge), defaults, the
 * `tilepipe ops` listing and string parsing (`blur:sigma=2`).
 */

/** A numeric parameter with an inclusive range. */
export interface NumberParam {
  readonly type: 'number';
  readonly min: number;
  readonly max: number;
  /** Only whole numbers are accepted. */
  readonly integer?: boolean;
  readonly default?: number;
  readonly description: string;
}

/** A parameter that takes one of a fixed set of strings. */
export interface EnumParam {
  readonly type: 'enum';
  readonly values: readonly string[];
  readonly default?: string;
  readonly description: string;
}

/** A yes/no parameter (`true`/`false`, `1`/`0`, `yes`/`no` in strings). */
export interface BooleanParam {
  readonly type: 'boolean';
  readonly default?: boolean;
  readonly description: string;
}

/** A list of numbers (a matrix, per-channel values), written `1 2 3` or `1;2;3` in strings. */
export interface NumberListParam {
  readonly type: 'numbers';
  readonly min: number;
  readonly max: number;
  /** Accepted list lengths. */
  readonly lengths: readonly number[];
  readonly default?: readonly number[];
  readonly description: string;
}

/** Any parameter spec. */
export type ParamSpec = NumberParam | EnumParam | BooleanParam | NumberListParam;

/** An operation's parameter declaration: name → spec. */
export type ParamSchema = Readonly<Record<string, ParamSpec>>;

/** The value type a spec validates to. */
export type ParamValue<S extends ParamSpec> = S extends NumberParam
  ? number
  : S extends EnumParam
    ? S['values'][number]
    : S extends BooleanParam
      ? boolean
      : S extends NumberListParam
        ? number[]
        : never;

/** Validated parameter values for a schema: every parameter present, defaults applied. */
export type Params<S extends ParamSchema> = { -readonly [K in keyof S]: ParamValue<S[K]> };

/** Describes the accepted values of a spec, e.g. `a number in [0.3, 100]`. */
export function describeRange(spec: ParamSpec): string {
  switch (spec.type) {
    case 'number':
      return `${spec.integer ? 'an integer' : 'a number'} in [${spec.min}, ${spec.max}]`;
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'numbers':
      return `a list of ${spec.lengths.join(' or ')} numbers in [${spec.min}, ${spec.max}]`;
  }
}

/** Plain decimal notation only: `2`, `-0.5`, `.5`, `1e3`; not `0x10`, `0b1`, `Infinity` or an empty string, which `Number()` would take. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && DECIMAL.test(raw.trim())) return Number(raw);
  return Number.NaN;
}

function validateOne(op: string, key: string, spec: ParamSpec, raw: unknown): unknown {
  const bad = (): never => {
    throw new ValidationError(
      `${op}: parameter "${key}" must be ${describeRange(spec)}, got ${JSON.stringify(raw)}`,
    );
  };
  switch (spec.type) {
    case 'number': {
      const n = parseNumber(raw);
      if (!Number.isFinite(n) || n < spec.min || n > spec.max) bad();
      if (spec.integer && !Number.isInteger(n)) bad();
      return n;
    }
    case 'enum': {
      if (typeof raw !== 'string' || !spec.values.includes(raw)) bad();
      return raw;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1' || raw === 'yes') return true;
      if (raw === 'false' || raw === '0' || raw === 'no') return false;
      return bad();
    }
    case 'numbers': {
      const list =
        typeof raw === 'string'
          ? raw.trim().split(/[\s;]+/).map(parseNumber)
          : Array.isArray(raw)
            ? raw.map(parseNumber)
            : bad();
      if (!spec.lengths.includes(list.length)) bad();
      if (list.some((n) => !Number.isFinite(n) || n < spec.min || n > spec.max)) bad();
      return list;
    }
  }
}

/**
 * Validates raw parameter values (strings from the CLI or values from the API)
 * against a schema, applies defaults, and rejects unknown or missing parameters.
 */
export function validateParams<S extends ParamSchema>(
  op: string,
  schema: S,
  raw: Readonly<Record<string, unknown>>,
): Params<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in schema)) {
      const valid = Object.keys(schema);
      throw new ValidationError(
        `${op}: unknown parameter "${key}"; ${valid.length ? `valid: ${valid.join(', ')}` : 'it takes no parameters'}`,
      );
    }
  }
  for (const [key, spec] of Object.entries(schema)) {
    const value = raw[key];
    if (value === undefined) {
      if (spec.default === undefined) {
        throw new ValidationError(`${op}: parameter "${key}" is required (${describeRange(spec)})`);
      }
      out[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    } else {
      out[key] = validateOne(op, key, spec, value);
    }
  }
  return out as Params<S>;
}
