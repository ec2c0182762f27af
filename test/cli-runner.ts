/** Spawns the built CLI as a user would, optionally as another user (root ignores file permissions). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the built CLI entry. */
export const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin', 'tilepipe.cjs');

/** What a finished CLI run gave. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link runCli}. */
export interface CliOptions {
  cwd?: string;
  /** Run as this uid/gid (only possible as root). */
  user?: number;
  /** Called once the child is spawned (e.g. to send it a signal later). */
  onSpawn?: (child: ChildProcess, output: { stdout: string }) => void;
}

/** Runs `node dist/bin/tilepipe.cjs ...args` (the `tilepipe` command) as a user would: CI=1, NO_COLOR=1, no TTY; killed after `timeoutMs` (default 60 s). */
export function runCli(args: readonly string[], options: CliOptions & { timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    delete env.UV_THREADPOOL_SIZE;
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.user !== undefined ? { uid: options.user, gid: options.user } : {}),
    });
    const out = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out.stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out.stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...out });
    });
    options.onSpawn?.(child, out);
  });
}

/** uid of `nobody`, used to make permission errors real when the tests run as root. */
export const NOBODY = 65534;

/** Whether the tests run as root. */
export const isRoot = process.getuid?.() === 0;
