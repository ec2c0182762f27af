/**
 * Generates src/kernels/simd/median-networks.ts: the comparator networks that
 * the SIMD median uses at radii 2 and 3 (5×5 and 7×7 windows), as
 * straight-line AssemblyScript. Run: `node scripts/median-network.mjs`
 * (writes the file) or `--check` (exits 1 if the committed file differs from
 * what this script writes).
 *
 * The kernel sorts every column of the n×n window first (shared by the n
 * outputs that see that column), so a network's inputs are n sorted columns.
 * It then sorts each rank's row across the columns: in a matrix sorted along
 * both, the element of column rank i and row rank j has at least
 * (i+1)(j+1) − 1 elements below it and (n−i)(n−j) − 1 above, which leaves
 * 13 candidates of 25 (29 of 49) for the median, with as many of the others
 * known to lie below it as above: the median of the window is the median of
 * the candidates, found by Batcher's odd-even merge sort of 16 (32) wires, the
 * spare ones at −∞. Then every comparator that cannot change the output wire
 * is dropped, every comparator whose inputs are always in order already is
 * dropped, and one whose min (or max) alone is used becomes one instruction.
 * The result is checked on every 0-1 input with sorted columns ((n+1)^n of
 * them, 32 to a word), which by the 0-1 principle proves it for every input
 * with sorted columns. The column sorts are checked on every 0-1 input too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'simd', 'median-networks.ts');

/** Batcher's odd-even merge sort of `n` (a power of two) wires. */
function batcher(n) {
  const pairs = [];
  for (let p = 1; p < n; p *= 2) {
    for (let k = p; k >= 1; k = Math.floor(k / 2)) {
      for (let j = k % p; j + k < n; j += 2 * k) {
        for (let i = 0; i < Math.min(k, n - j - k); i++) {
          if (Math.floor((i + j) / (p * 2)) === Math.floor((i + j + k) / (p * 2))) pairs.push([i + j, i + j + k]);
        }
      }
    }
  }
  return pairs;
}

/** A sorting network for `n` wires: Batcher's for the next power of two, the wires above n at +∞ (their comparators do nothing). */
function sorter(n) {
  let p = 1;
  while (p < n) p *= 2;
  const net = batcher(p).filter(([, b]) => b < n);
  for (let bits = 0; bits < 1 << n; bits++) {
    const a = Array.from({ length: n }, (_, i) => (bits >> i) & 1);
    for (const [i, j] of net) if (a[i] > a[j]) [a[i], a[j]] = [a[j], a[i]];
    for (let i = 1; i < n; i++) if (a[i - 1] > a[i]) throw new Error(`the ${n}-sorter does not sort`);
  }
  return net;
}

/** The pruned, checked median network of an n×n window with sorted columns (wire rank·n + column). */
function medianNetwork(n) {
  const m = n * n, rank = (m - 1) >> 1;
  const wire = (r, c) => r * n + c;
  // Every 0-1 input with sorted columns (column c holds t_c ones at its top), 32 inputs to a word.
  const total = (n + 1) ** n, words = Math.ceil(total / 32);
  const inputs = Array.from({ length: m }, () => new Uint32Array(words));
  const ones = new Uint8Array(total);
  for (let code = 0; code < total; code++) {
    for (let c = 0, k = code; c < n; c++, k = Math.floor(k / (n + 1))) {
      const t = k % (n + 1);
      ones[code] += t;
      for (let r = n - t; r < n; r++) inputs[wire(r, c)][code >> 5] |= 1 << (code & 31);
    }
  }
  // 1. Sort each rank's row across the columns.
  let net = [];
  for (let r = 0; r < n; r++) for (const [a, b] of sorter(n)) net.push([wire(r, a), wire(r, b)]);
  // 2. The candidates, and the median among them through Batcher's sort, its lowest wires at −∞.
  const candidates = [];
  let below = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if ((n - i) * (n - j) > rank + 1) below++;
      else if ((i + 1) * (j + 1) <= rank + 1) candidates.push(wire(i, j));
    }
  }
  let width = 1;
  while (width < candidates.length) width *= 2;
  const pads = width - candidates.length;
  const slot = (k) => (k < pads ? -1 : candidates[k - pads]);
  for (const [a, b] of batcher(width)) if (slot(a) >= 0 && slot(b) >= 0) net.push([slot(a), slot(b)]);
  const output = slot(pads + rank - below);
  // 3. Drop comparators whose inputs are in order on every input (they never swap).
  const state = inputs.map((w) => w.slice());
  net = net.filter(([i, j]) => {
    const a = state[i], b = state[j];
    if (!a.some((x, k) => (x & ~b[k]) !== 0)) return false;
    for (let k = 0; k < words; k++) [a[k], b[k]] = [a[k] & b[k], a[k] | b[k]];
    return true;
  });
  // 4. Backwards from the output: keep what it depends on; only the min or the max where one result is used.
  const ops = [];
  const needed = new Set([output]);
  for (let k = net.length - 1; k >= 0; k--) {
    const [i, j] = net[k];
    const lo = needed.has(i), hi = needed.has(j);
    if (!lo && !hi) continue;
    ops.unshift({ i, j, lo, hi });
    needed.add(i).add(j);
  }
  // 5. Check: the ops as emitted give every such input's median (1 exactly when more than `rank` values are 1).
  const run = inputs.map((w) => w.slice());
  for (const { i, j, lo, hi } of ops) {
    const a = run[i], b = run[j];
    for (let k = 0; k < words; k++) {
      const mn = a[k] & b[k], mx = a[k] | b[k];
      if (lo) a[k] = mn;
      if (hi) b[k] = mx;
    }
  }
  for (let code = 0; code < total; code++) {
    if (((run[output][code >> 5] >>> (code & 31)) & 1) !== Number(ones[code] > rank)) throw new Error(`the ${n}×${n} network does not give the median`);
  }
  return { ops, output, candidates: candidates.length };
}

/** AssemblyScript for one window size: the column sort's loop body and the median of one output block. */
function emit(n) {
  const { ops, output, candidates } = medianNetwork(n);
  const col = sorter(n);
  const lines = [];
  // Column sort: load the n rows at o, sort, store the n rank rows.
  lines.push(`/** Sorts the ${n} rows' columns at byte \`o\` (16 values) into the ${n} rank rows of \`sorted\` (rank 0 first), \`stride\` bytes apart: ${col.length} compare-exchanges. */`);
  lines.push(`@inline export function sortColumns${n}(rows: usize, sorted: usize, stride: usize, o: usize): void {`);
  for (let r = 0; r < n; r++) lines.push(`  let w${r} = v128.load(load<usize>(rows + ${r * 4}) + o);`);
  lines.push('  let t: v128;');
  for (const [a, b] of col) lines.push(`  t = i8x16.min_s(w${a}, w${b}); w${b} = i8x16.max_s(w${a}, w${b}); w${a} = t;`);
  for (let r = 0; r < n; r++) lines.push(`  v128.store(sorted + ${r === 0 ? '' : `${r} * stride + `}o, w${r});`);
  lines.push('}', '');
  // Median: each wire's current value is a named local.
  const name = (w) => `s${Math.floor(w / n)}${w % n}`;
  const version = new Map();
  const cur = (w) => (version.has(w) ? `${name(w)}_${version.get(w)}` : name(w));
  const next = (w) => { version.set(w, (version.get(w) ?? 0) + 1); return cur(w); };
  const body = [];
  for (const { i, j, lo, hi } of ops) {
    const a = cur(i), b = cur(j);
    if (lo) body.push(`  const ${next(i)} = i8x16.min_s(${a}, ${b});`);
    if (hi) body.push(`  const ${next(j)} = i8x16.max_s(${a}, ${b});`);
  }
  const instructions = body.length;
  lines.push(`/**`);
  lines.push(` * The median of the ${n}×${n} windows of 16 outputs whose sorted columns start at \`p\` (rank r's row at`);
  lines.push(` * \`p + r·stride\`, column d at \`+ d·c\`): ${candidates} candidates, ${ops.length} comparators, ${instructions} instructions.`);
  lines.push(` */`);
  lines.push(`@inline export function median${n}At(p: usize, stride: usize, c: usize): v128 {`);
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < n; d++) lines.push(`  const ${name(r * n + d)} = v128.load(p${r === 0 ? '' : ` + ${r} * stride`}${d === 0 ? '' : ` + ${d} * c`});`);
  }
  lines.push(...body, `  return ${cur(output)};`, '}');
  return { text: lines.join('\n'), ops: ops.length, instructions };
}

const five = emit(5), seven = emit(7);
const text = `/**
 * GENERATED by scripts/median-network.mjs: do not edit. Column sorts and
 * median networks for the SIMD median at radii 2 and 3, lane by lane on
 * values XOR 0x80 (signed min/max), each checked on every 0-1 input with
 * sorted columns.
 */

${five.text}

${seven.text}
`;
if (process.argv.includes('--check')) {
  if (readFileSync(OUT, 'utf8') !== text) {
    process.stderr.write(`${path.relative(process.cwd(), OUT)} is not what scripts/median-network.mjs writes: run it\n`);
    process.exit(1);
  }
} else {
  writeFileSync(OUT, text);
  process.stdout.write(`${path.relative(process.cwd(), OUT)}: 5×5 ${five.ops} comparators, ${five.instructions} instructions; 7×7 ${seven.ops}, ${seven.instructions}\n`);
}
