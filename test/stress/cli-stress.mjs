#!/usr/bin/env node
/**
 * CLI stress: runs the built CLI many times over a mixed folder of good and
 * broken files, in every way a user ends a run, and checks that each run
 * exits with the code it should, prints no crash, and leaves no temp file.
 * Start-up and teardown races only show on repetition.
 *
 *   npm run stress                      # 300 runs, 2 at a time
 *   STRESS_RUNS=20 npm run stress       # the CI slice
 *
 * Kinds of run, in rotation:
 *   mixed      good + broken files, fresh out-dir, --json   → 1, summary line
 *   skipped    a finished out-dir run again                  → 0, all skipped
 *   dry-run    -n: nothing to do                             → 0
 *   usage      a bad op: no pool may start                   → 2
 *   collision  two inputs → one output, found after hashing  → 2
 *   head       stdout closed after the first line (| head -1) → 141, silent
 *   sigint     SIGINT after the first output                 → 130
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeMixedFolder } from './mixed-folder.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, '..', '..', 'dist', 'bin', 'tilepipe.cjs');
const RUNS = Number(process.env.STRESS_RUNS ?? 300);
const PARALLEL = Number(process.env.STRESS_PARALLEL ?? 2);
const CRASH = /ERR_INTERNAL_ASSERTION|FATAL ERROR|IsGraphAsync|Unexpected status|uncaught|Emitted 'error' event|at .*\(node:internal|Aborted|Segmentation/i;

const root = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-stress-'));
const mixed = path.join(root, 'mixed');
const clean = path.join(root, 'clean');
const collide = path.join(root, 'collide');
const { good, bad } = await makeMixedFolder(mixed, 40);
mkdirSync(clean);
mkdirSync(collide);
for (const f of readdirSync(mixed)) if (/^photo-0[0-2]\d\.(jpg|png|webp)$/.test(f)) copyFileSync(path.join(mixed, f), path.join(clean, f));
copyFileSync(path.join(mixed, 'photo-000.jpg'), path.join(collide, 'a.jpg'));
copyFileSync(path.join(mixed, 'photo-006.png'), path.join(collide, 'a.png'));
const CHAIN = ['--op', 'resize:width=400', '--op', 'sharpen', '-j', '2'];

/** Every leftover temp file under `dir`. */
function temps(dir) {
  try {
    return readdirSync(dir, { recursive: true }).filter((f) => String(f).includes('.tilepipe-tmp-'));
  } catch {
    return [];
  }
}

function spawnCli(args, { onLine } = {}) {
  return new Promise((resolve) => {
    const env = { ...process.env, CI: '1', NO_COLOR: '1' };
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      onLine?.(child, stdout);
    });
    child.stdout.on('error', () => {});
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const KINDS = ['mixed', 'skipped', 'dry-run', 'usage', 'collision', 'head', 'sigint'];
let skippedOut;

async function once(i) {
  const kind = KINDS[i % KINDS.length];
  const out = path.join(root, `out-${i}`);
  let expect;
  let r;
  let check = () => undefined;
  switch (kind) {
    case 'mixed':
      expect = 1;
      r = await spawnCli([mixed, '-o', out, ...CHAIN, '--format', 'png', '--json']);
      check = () => {
        const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'summary');
        if (!summary) return 'no summary line';
        if (summary.ok !== good || summary.failed !== bad) return `summary ${summary.ok} ok / ${summary.failed} failed, expected ${good} / ${bad}`;
        return undefined;
      };
      break;
    case 'skipped':
      expect = 0;
      r = await spawnCli([clean, '-o', skippedOut, ...CHAIN, '--json']);
      check = () => (/"skipped":0/.test(r.stdout) ? 'nothing was skipped' : undefined);
      break;
    case 'dry-run':
      expect = 0;
      r = await spawnCli([clean, '-o', out, ...CHAIN, '-n']);
      break;
    case 'usage':
      expect = 2;
      r = await spawnCli([clean, '-o', out, '--op', 'blur:sigma=-1']);
      break;
    case 'collision':
      expect = 2;
      r = await spawnCli([collide, '-o', out, ...CHAIN, '--format', 'png']);
      break;
    case 'head':
      expect = 141;
      r = await spawnCli([mixed, '-o', out, ...CHAIN, '--format', 'webp'], {
        onLine: (child, text) => { if (text.includes('\n')) child.stdout.destroy(); },
      });
      check = () => (r.stderr.includes('EPIPE') ? 'EPIPE reported' : undefined);
      break;
    case 'sigint':
      expect = 130;
      r = await spawnCli([mixed, '-o', out, ...CHAIN, '--format', 'png'], {
        onLine: (child) => { if (!child.sent) { child.sent = true; child.kill('SIGINT'); } },
      });
      break;
  }
  const problems = [];
  if (r.code !== expect) problems.push(`exit ${r.code ?? r.signal}, expected ${expect}`);
  if (CRASH.test(r.stderr)) problems.push(`crash: ${r.stderr.split('\n').find((l) => CRASH.test(l))}`);
  const left = temps(out);
  if (left.length) problems.push(`temp files left: ${left.join(', ')}`);
  const extra = check();
  if (extra) problems.push(extra);
  if (kind !== 'skipped') rmSync(out, { recursive: true, force: true });
  return { kind, problems, stderr: r.stderr };
}

// The out-dir the "skipped" runs find finished.
skippedOut = path.join(root, 'done');
const first = await spawnCli([clean, '-o', skippedOut, ...CHAIN]);
if (first.code !== 0) {
  console.error(`stress: setup run failed (${first.code}): ${first.stderr}`);
  process.exit(1);
}

const start = performance.now();
const failures = [];
const byKind = {};
let next = 0;
await Promise.all(Array.from({ length: PARALLEL }, async () => {
  while (next < RUNS) {
    const i = next++;
    const t0 = performance.now();
    const res = await once(i);
    if (process.env.STRESS_VERBOSE) console.log(`run ${i} (${res.kind}): ${Math.round(performance.now() - t0)} ms`);
    byKind[res.kind] = (byKind[res.kind] ?? 0) + 1;
    if (res.problems.length) {
      failures.push(res);
      console.error(`stress: run ${i} (${res.kind}): ${res.problems.join('; ')}`);
      if (res.problems.some((p) => p.startsWith('crash'))) console.error(res.stderr.split('\n').slice(-15).join('\n'));
    }
  }
}));
rmSync(root, { recursive: true, force: true });
const secs = ((performance.now() - start) / 1000).toFixed(1);
console.log(`stress: ${RUNS} runs (${Object.entries(byKind).map(([k, n]) => `${n} ${k}`).join(', ')}), ${PARALLEL} at a time, ${secs} s`);
console.log(`${RUNS - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
