/**
 * Generates src/kernels/simd/median5-network.ts: the comparator network that
 * the SIMD median uses at radius 2, as straight-line AssemblyScript. Run:
 * `node scripts/median-network.mjs` (writes the file) or `--check` (exits 1
 * if the committed file differs from what this script writes).
 *
 * The kernel sorts every column of the 5×5 window first (shared by the five
 * outputs that see that column), so the network's 25 inputs are five sorted
 * columns. It then sorts each rank's row across the columns: in a matrix
 * sorted along both, the element of column rank i and row rank j has at
 * least (i+1)(j+1) − 1 elements below it and (5−i)(5−j) − 1 above, which
 * leaves 13 candidates for the 13th value, 6 known below and 6 above it: the
 * median of the 25 is the median of those 13, found by Batcher's odd-even
 * merge sort of 16 wires (three of them −∞). Then every comparator that
 * cannot change the output wire is dropped, every comparator whose inputs are
 * always in order already is dropped, and one whose min (or max) alone is used
 * becomes one instruction. The result is checked on every 0-1 input with
 * sorted columns (6^5 of them), which by the 0-1 principle proves it for all
 * inputs with sorted columns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'simd', 'median5-network.ts');
const N = 5;
const wire = (rank, col) => rank * N + col;

/** A sorting network for 5 wires (9 comparators), checked below on all 32 0-1 inputs. */
const SORT5 = [[0, 1], [3, 4], [2, 4], [2, 3], [1, 4], [0, 3], [0, 2], [1, 3], [1, 2]];

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

function sorts(network, n) {
  for (let bits = 0; bits < 1 << n; bits++) {
    const a = Array.from({ length: n }, (_, i) => (bits >> i) & 1);
    for (const [i, j] of network) if (a[i] > a[j]) [a[i], a[j]] = [a[j], a[i]];
    for (let i = 1; i < n; i++) if (a[i - 1] > a[i]) return false;
  }
  return true;
}
if (!sorts(SORT5, 5)) throw new Error('SORT5 does not sort');
if (!sorts(batcher(16), 16)) throw new Error('batcher(16) does not sort');

/** Every 0-1 input whose columns are sorted: column c holds t_c ones at its top. */
const inputs = [];
for (let code = 0; code < 6 ** N; code++) {
  const a = new Array(N * N).fill(0);
  for (let c = 0, k = code; c < N; c++, k = Math.floor(k / 6)) for (let r = N - (k % 6); r < N; r++) a[wire(r, c)] = 1;
  inputs.push(a);
}
const median = (a) => [...a].sort((x, y) => x - y)[(N * N - 1) >> 1];

// The 13 candidates (see the top).
const CANDIDATES = [];
for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if ((i + 1) * (j + 1) <= 13 && (N - i) * (N - j) <= 13) CANDIDATES.push(wire(i, j));
if (CANDIDATES.length !== 13) throw new Error(`expected 13 candidates, found ${CANDIDATES.length}`);

/** The pruned network with the candidates, in this order, on Batcher's wires 3-15: its ops and output wire. (Other orders were tried: the best of 3,000 saved 2 instructions.) */
function build(candidates) {
  // 1. Sort each rank's row across the five columns.
  let net = [];
  for (let rank = 0; rank < N; rank++) for (const [a, b] of SORT5) net.push([wire(rank, a), wire(rank, b)]);
  // 2. The median of the candidates through Batcher's 16-wire sort, wires 0-2 at −∞ (their comparators do nothing).
  const slot = (k) => (k < 3 ? -1 : candidates[k - 3]);
  for (const [a, b] of batcher(16)) if (slot(a) >= 0 && slot(b) >= 0) net.push([slot(a), slot(b)]);
  const output = slot(3 + 6);
  // 3. Drop comparators whose inputs are in order on every input (they never swap).
  const states = inputs.map((a) => [...a]);
  net = net.filter(([i, j]) => {
    if (!states.some((st) => st[i] > st[j])) return false;
    for (const st of states) if (st[i] > st[j]) [st[i], st[j]] = [st[j], st[i]];
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
  return { ops, output, instructions: ops.reduce((n, o) => n + Number(o.lo) + Number(o.hi), 0) };
}

const { ops, output, instructions } = build(CANDIDATES);

// 5. Check: every 0-1 input with sorted columns gives its median on the output wire.
for (const a of inputs) {
  const s = [...a];
  for (const { i, j, lo, hi } of ops) {
    const mn = Math.min(s[i], s[j]), mx = Math.max(s[i], s[j]);
    if (lo) s[i] = mn;
    if (hi) s[j] = mx;
  }
  if (s[output] !== median(a)) throw new Error('the network does not give the median');
}

// 6. Straight-line AssemblyScript: each wire's current value is a named local.
const name = (w) => `s${Math.floor(w / N)}${w % N}`;
const version = new Map();
const cur = (w) => (version.has(w) ? `${name(w)}_${version.get(w)}` : name(w));
const next = (w) => { version.set(w, (version.get(w) ?? 0) + 1); return cur(w); };
const lines = [];
for (const { i, j, lo, hi } of ops) {
  const a = cur(i), b = cur(j);
  if (lo) lines.push(`  const ${next(i)} = i8x16.min_s(${a}, ${b});`);
  if (hi) lines.push(`  const ${next(j)} = i8x16.max_s(${a}, ${b});`);
}
lines.push(`  return ${cur(output)};`);
const params = Array.from({ length: N * N }, (_, w) => `${name(w)}: v128`).join(', ');
const text = `/**
 * GENERATED by scripts/median-network.mjs: do not edit. The median of a 5×5
 * window whose five columns are sorted (s<rank><column>: the value of that
 * rank in that column), lane by lane on values XOR 0x80 (signed min/max):
 * ${ops.length} comparators, ${instructions} instructions, checked on every 0-1 input with
 * sorted columns.
 */
@inline export function median25(${params}): v128 {
${lines.join('\n')}
}
`;
if (process.argv.includes('--check')) {
  const committed = readFileSync(OUT, 'utf8');
  if (committed !== text) {
    process.stderr.write(`${path.relative(process.cwd(), OUT)} is not what scripts/median-network.mjs writes: run it\n`);
    process.exit(1);
  }
} else {
  writeFileSync(OUT, text);
  process.stdout.write(`${path.relative(process.cwd(), OUT)}: ${ops.length} comparators, ${instructions} instructions\n`);
}
