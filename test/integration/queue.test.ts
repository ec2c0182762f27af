/**
 * The pipeline on a BullMQ queue, against a real Redis server and real
 * processes: `tilepipe worker` processes and `tilepipe enqueue --wait`, as a
 * deployment runs them (one Redis, N workers, a shared folder).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import sharp from 'sharp';
import { CLI, runCli } from '../cli-runner.js';
import { syntheticPng, tempDir, temps } from '../fixtures.js';
import { startRedis, type RedisServer } from '../../dist/bench/redis-server.js';
import type { CliResult } from '../cli-runner.js';

let redis: RedisServer;
beforeAll(async () => { redis = await startRedis(); });
afterAll(async () => { await redis?.dispose(); });

/** `n` distinct PNGs of `size` px in `dir`. */
async function folder(dir: string, n: number, size: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(path.join(dir, `img-${String(i).padStart(2, '0')}.png`), await syntheticPng(size + i, size, i + 1, false));
  return dir;
}

/** Starts `tilepipe worker`; resolves once it says it is taking jobs. */
function startWorker(queue: string, root: string, extra: string[] = []): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'worker', '--redis', redis.url, '--queue', queue, '--root', root, '-j', '1', ...extra], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.includes('taking jobs')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
}

/** Stops workers with SIGTERM; resolves with their exit codes. */
async function stop(workers: ChildProcess[]): Promise<Array<number | null>> {
  return Promise.all(workers.map((w) => new Promise<number | null>((resolve) => {
    if (w.exitCode !== null || w.signalCode !== null) return resolve(w.exitCode);
    w.removeAllListeners('exit');
    w.once('exit', (code) => resolve(code));
    w.kill('SIGTERM');
  })));
}

const lines = (stdout: string): Array<Record<string, unknown>> => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('tilepipe on a queue (real Redis, real processes)', () => {
  it('40 images through 3 workers give the local run\'s bytes; re-enqueuing adds nothing; a changed chain redoes all; SIGTERM exits 0', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 40, 48);
    const ops = ['--op', 'resize:width=40', '--op', 'blur:sigma=1'];
    expect((await runCli([input, '-o', path.join(dir, 'local'), ...ops])).code).toBe(0);
    const workers = await Promise.all([0, 1, 2].map(() => startWorker('eq', dir)));
    try {
      const run = await runCli(['enqueue', input, '-o', path.join(dir, 'out'), ...ops, '--redis', redis.url, '--queue', 'eq', '--wait', '--json'], { timeoutMs: 90_000 });
      expect(run.stderr).not.toMatch(/error|Warning/);
      expect(run.code).toBe(0);
      expect(lines(run.stdout).at(-1)).toMatchObject({ type: 'summary', ok: 40, failed: 0, outputs: 40 });
      for (const f of readdirSync(input)) expect(readFileSync(path.join(dir, 'out', f)).equals(readFileSync(path.join(dir, 'local', f)))).toBe(true);

      const again = await runCli(['enqueue', input, '-o', path.join(dir, 'out'), ...ops, '--redis', redis.url, '--queue', 'eq', '--json']);
      expect(lines(again.stdout)[0]).toMatchObject({ type: 'batch', jobs: 40, added: 0 });

      const changed = await runCli(['enqueue', input, '-o', path.join(dir, 'out'), ...ops, '--op', 'invert', '--redis', redis.url, '--queue', 'eq', '--wait', '--json'], { timeoutMs: 90_000 });
      expect(lines(changed.stdout).at(-1)).toMatchObject({ ok: 40, failed: 0 });
    } finally {
      expect(await stop(workers)).toEqual([0, 0, 0]);
    }
  });

  it('a bad image fails its job once, with the local one-line reason, and enqueue --wait exits 1', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 3, 32);
    writeFileSync(path.join(input, 'empty.png'), '');
    const local = await runCli([input, '-o', path.join(dir, 'local')]);
    const [worker] = await Promise.all([startWorker('bad', dir)]);
    try {
      const run = await runCli(['enqueue', input, '-o', path.join(dir, 'out'), '--redis', redis.url, '--queue', 'bad', '--wait'], { timeoutMs: 60_000 });
      expect(run.code).toBe(1);
      const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
      expect(errors).toEqual(local.stderr.split('\n').filter((l) => l.startsWith('error: ')));
      expect(errors).toHaveLength(1);
      const status = await runCli(['queue', 'status', '--redis', redis.url, '--queue', 'bad', '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject({ completed: 3, failed: 1 });
    } finally {
      await stop([worker]);
    }
  });

  it('a hand-crafted job naming a path outside --root is refused, not run', async () => {
    const dir = tempDir();
    const worker = await startWorker('conf', path.join(dir, 'root'));
    const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
    const queue = new Queue('conf', { connection });
    // From the stream's start: with the default '$', a job refused before the
    // first XREAD reached Redis would never be heard of, and the wait would hang.
    const events = new QueueEvents('conf', { connection, lastEventId: '0-0' });
    try {
      await events.waitUntilReady();
      const job = await queue.add('image', {
        batch: 'x', input: '/etc/hostname', outDir: path.join(dir, 'root', 'out'),
        outputs: [{ path: path.join(dir, 'root', 'out', 'h.png'), format: 'png' }], ops: [], entry: { inputHash: 'x', optionsKey: 'y' },
      });
      await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/refused: \/etc\/hostname is outside the worker's roots/);
      expect(existsSync(path.join(dir, 'root', 'out', 'h.png'))).toBe(false);
    } finally {
      await events.close();
      await queue.close();
      await stop([worker]);
    }
  });

  it('kill -9 of a worker mid-batch: another finishes the batch; every output exists once, decodes, and no temp file is left', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 40, 360);
    const out = path.join(dir, 'out');
    const a = await startWorker('kill', dir, ['--lock-ms', '1500', '--concurrency', '2']);
    let b: Promise<ChildProcess> | undefined; // the second worker, started once the first is killed
    const run = await runCli(['enqueue', input, '-o', out, '--op', 'blur:sigma=4', '--op', 'sharpen', '--redis', redis.url, '--queue', 'kill', '--wait', '--json'], {
      timeoutMs: 120_000,
      onSpawn: (child, o) => child.stdout!.on('data', () => {
        if (!b && o.stdout.split('\n').length > 6) {
          a.kill('SIGKILL');
          b = startWorker('kill', dir, ['--lock-ms', '1500']);
        }
      }),
    });
    expect(b).toBeDefined(); // the first worker was killed while the batch ran
    try {
      expect(run.code).toBe(0);
      expect(lines(run.stdout).at(-1)).toMatchObject({ type: 'summary', ok: 40, failed: 0 });
    } finally {
      if (b) await stop([await b]);
    }
    const files = readdirSync(out).filter((f) => f.endsWith('.png'));
    expect(files).toHaveLength(40);
    for (const f of files) expect((await sharp(path.join(out, f)).metadata()).width).toBeGreaterThan(0);
    expect(temps(out)).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(out, '.tilepipe-manifest.json'), 'utf8')) as { outputs: Record<string, unknown> };
    expect(Object.keys(manifest.outputs).sort()).toEqual(files.sort());
  });

  it('Redis stops mid-batch: the worker and enqueue --wait say so, retry, and finish when it returns; nothing is lost', async () => {
    const persistent = await startRedis({ persist: true });
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 30, 300);
    let workerErr = '';
    const worker = await new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'worker', '--redis', persistent.url, '--queue', 'outage', '--root', dir, '-j', '1', '--concurrency', '1'], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (d) => {
        workerErr += d;
        if (workerErr.includes('taking jobs')) resolve(child);
      });
      child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${workerErr}`)));
    });
    let outage = false;
    try {
      const run: CliResult = await runCli(['enqueue', input, '-o', path.join(dir, 'out'), '--op', 'blur:sigma=3', '--redis', persistent.url, '--queue', 'outage', '--wait', '--json'], {
        timeoutMs: 120_000,
        onSpawn: (child, o) => child.stdout!.on('data', () => {
          if (!outage && o.stdout.split('\n').length > 4) {
            outage = true;
            void (async () => {
              await persistent.stop();
              await new Promise((r) => setTimeout(r, 2500));
              await persistent.restart();
            })();
          }
        }),
      });
      expect(outage).toBe(true);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ unreachable \(.*\); retrying/);
      expect(workerErr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ unreachable/);
      expect(lines(run.stdout).at(-1)).toMatchObject({ type: 'summary', ok: 30, failed: 0 });
      expect(readdirSync(path.join(dir, 'out')).filter((f) => f.endsWith('.png'))).toHaveLength(30);
    } finally {
      await stop([worker]);
      await persistent.dispose();
    }
  });
});
