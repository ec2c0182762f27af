/** Chain parsing, parameter validation and planning. */
import { describe, expect, it } from 'vitest';
import { OpRegistry, ValidationError, parseOpString } from '../../dist/src/index.js';
import { resolveChain } from '../../dist/src/plan/chain.js';
import { planChain, splitOnLoad } from '../../dist/src/plan/plan.js';

const registry = new OpRegistry();

describe('chains', () => {
  it('parses strings and objects to the same validated instance', () => {
    const [a, b] = resolveChain(['blur:sigma=2', { op: 'blur', sigma: 2 }], registry);
    expect(a.params).toEqual({ sigma: 2, precision: 'exact' });
    expect(b.params).toEqual(a.params);
    expect(parseOpString('resize:width=800,fit=cover')).toEqual({ op: 'resize', params: { width: '800', fit: 'cover' } });
  });

  it('applies defaults', () => {
    expect(resolveChain(['sharpen'], registry)[0].params).toEqual({ sigma: 1, amount: 1, threshold: 0, precision: 'exact' });
  });

  const bad: Array<[string, RegExp]> = [
    ['blurr', /unknown operation "blurr"; valid: .*blur.*sobel/],
    ['blur:sigma=abc', /blur: parameter "sigma" must be a number in \[0\.3, 100\], got "abc"/],
    ['blur:sigma=1000', /sigma.*\[0\.3, 100\]/],
    ['blur:radius=3', /blur: unknown parameter "radius"; valid: sigma/],
    ['resize:fit=squash,width=10', /resize: parameter "fit" must be one of inside, cover, contain, fill, outside/],
    ['resize:width=10.5', /resize: parameter "width" must be an integer in \[0, 100000\]/],
    ['resize', /resize: give "width" or "height"/],
    ['blur:sigma', /expected key=value/],
  ];
  for (const [spec, message] of bad) {
    it(`rejects ${spec} with a message naming the problem`, () => {
      expect(() => resolveChain([spec], registry)).toThrow(ValidationError);
      expect(() => resolveChain([spec], registry)).toThrow(message);
    });
  }
});

describe('planner', () => {
  const plan = (ops: string[]) =>
    planChain(resolveChain(ops, registry)).map((s) =>
      s.kind === 'geometry'
        ? `G[${s.ops.map((o) => o.def.name).join(',')}]`
        : `T[${s.steps.map((x) => x.inst.def.name).join(',')}${s.reduce ? `|reduce ${s.reduce.def.name}` : ''}]r${s.radius}`,
    );

  it('fuses consecutive tile ops into one stage and runs geometry in sharp between them', () => {
    expect(plan(['resize:width=10', 'blur:sigma=2', 'grayscale', 'sobel', 'normalize'])).toEqual([
      'G[resize]', 'T[blur,grayscale,sobel|reduce normalize]r7', 'T[normalize]r0',
    ]);
  });

  it('runs a leading resize while decoding (shrink on load), and nothing else', () => {
    const split = (ops: string[]) => {
      const r = splitOnLoad(planChain(resolveChain(ops, registry)));
      return [r.onLoad?.def.name ?? '-', ...r.stages.map((s) => (s.kind === 'geometry' ? `G[${s.ops.map((o) => o.def.name).join(',')}]` : 'T'))];
    };
    expect(split(['resize:width=10', 'blur'])).toEqual(['resize', 'T']);
    expect(split(['resize:width=10', 'flip', 'blur'])).toEqual(['resize', 'G[flip]', 'T']);
    expect(split(['resize:width=10', 'resize:width=5'])).toEqual(['resize', 'G[resize]']);
    expect(split(['rotate:angle=90', 'resize:width=10'])).toEqual(['-', 'G[rotate,resize]']);
    expect(split(['blur', 'resize:width=10'])).toEqual(['-', 'T', 'G[resize]']);
  });

  it('handles repeats, a leading global op and geometry after pixels', () => {
    expect(plan(['normalize', 'invert', 'resize:width=5', 'resize:height=3', 'invert', 'normalize'])).toEqual([
      'T[|reduce normalize]r0', 'T[normalize,invert]r0', 'G[resize,resize]', 'T[invert|reduce normalize]r0', 'T[normalize]r0',
    ]);
  });
});
