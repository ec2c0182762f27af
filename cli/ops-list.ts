/** `tilepipe ops`: every operation with its kind, parameters, ranges and defaults. */
import { describeRange, type ParamSpec } from '../src/model/param.js';
import type { OpRegistry } from '../src/index.js';

function defaultText(spec: ParamSpec): string {
  if (spec.default === undefined) return 'required';
  return `default ${Array.isArray(spec.default) ? spec.default.join(' ') : String(spec.default)}`;
}

/** The listing as text, or as JSON for `--json`. */
export function formatOpsList(registry: OpRegistry, json: boolean): string {
  const ops = registry.list();
  if (json) {
    return `${JSON.stringify(ops.map((op) => ({ name: op.name, kind: op.kind, description: op.description, params: op.params })), null, 2)}\n`;
  }
  const lines: string[] = [];
  for (const op of ops) {
    lines.push(`${op.name}  (${op.kind})  ${op.description}`);
    for (const [key, spec] of Object.entries(op.params)) {
      lines.push(`    ${key}: ${describeRange(spec)}, ${defaultText(spec)}. ${spec.description}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
