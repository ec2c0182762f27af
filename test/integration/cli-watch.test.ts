/**
 * `--watch`: a real watcher process under changes. Files added and changed
 * are processed; a broken file fails alone and the watch goes on; with
 * `--prune` a removed input loses its output; Ctrl-C (SIGINT) exits 130.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, tempDir, writeJpeg } from './cli-helpers.js';

describe('--watch', () => {
  it('processes added and changed files, survives a broken one, prunes a removed one, and exits 130 on SIGINT', async () => {
    const root = tempDir('tilepipe-watch-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 32, 24, 1);
    const child = spawn(process.execPath, [CLI, 'in', '-o', 'out', '-j', '1', '--op', 'invert', '--json', '--watch', '--prune'], {
      cwd: root, env: { ...process.env, CI: '1', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: Array<Record<string, unknown>> = [];
    let stderr = '';
    let buffered = '';
    const waiters: Array<() => void> = [];
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        events.push(JSON.parse(buffered.slice(0, i)) as Record<string, unknown>);
        buffered = buffered.slice(i + 1);
        for (const w of waiters.splice(0)) w();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    /** Waits until `ok()` holds (checked on each line of output). */
    const until = async (what: string, ok: () => boolean): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${stderr}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    };
    const summaries = (): Array<Record<string, unknown>> => events.filter((e) => e.type === 'summary');
    const count = (name: string, status: string): number => events.filter((e) => e.type === 'file' && String(e.input).endsWith(name) && e.status === status).length;
    try {
      await until('the first run', () => summaries().length >= 1);
      expect(summaries()[0]).toMatchObject({ ok: 1 });
      // Added.
      await writeJpeg(path.join(root, 'in', 'b.jpg'), 32, 24, 2);
      await until('b.jpg processed', () => count('b.jpg', 'ok') >= 1);
      expect(existsSync(path.join(root, 'out', 'b.jpg'))).toBe(true);
      // Changed: processed again (a stays skipped).
      const okBefore = count('b.jpg', 'ok');
      await writeJpeg(path.join(root, 'in', 'b.jpg'), 40, 30, 3);
      await until('b.jpg processed again', () => count('b.jpg', 'ok') > okBefore);
      expect(count('a.jpg', 'ok')).toBe(1);
      // A broken file fails alone; the watch goes on.
      writeFileSync(path.join(root, 'in', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00, 1, 2]));
      await until('broken.jpg failed', () => count('broken.jpg', 'failed') >= 1);
      // Removed, with --prune: its output goes too.
      unlinkSync(path.join(root, 'in', 'a.jpg'));
      const pruned = path.join(root, 'out', 'a.jpg');
      await until('a.jpg pruned', () => summaries().some((s) => Array.isArray(s.pruned) && s.pruned.includes(pruned)));
      expect(existsSync(pruned)).toBe(false);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
    expect(stderr).toContain('watching the inputs');
  }, 90_000);
});
