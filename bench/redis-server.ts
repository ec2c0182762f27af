/**
 * A real Redis server for the tests and the queue benchmark (Debian's redis-server, which .ci/run
 * installs): one private instance on a free loopback port with a temp dir, no
 * persistence unless asked, stopped after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A running server. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (it saves its append-only file first, when started with `persist`). */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder (with `persist`, the queue comes back). */
  restart(): Promise<void>;
  /** Stops it for good and removes its folder. */
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    }).on('error', reject);
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
    s.on('data', (d) => { resolve(d.toString().startsWith('+PONG')); s.destroy(); });
    s.on('error', () => resolve(false));
  });
}

/**
 * Starts redis-server; rejects if it is not installed or does not answer
 * within 10 s. With `persist`, it keeps an append-only file (fsync always),
 * so a stop and restart loses nothing.
 */
export async function startRedis({ persist = false } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir,
    ...(persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const failed = new Promise<never>((_, reject) => child.on('error', (err) => reject(new Error(`redis-server: ${err.message} (apt-get install -y redis-server)`))));
    const deadline = Date.now() + 10_000;
    const up = (async () => {
      while (!(await ping(port))) {
        if (Date.now() > deadline) throw new Error('redis-server did not answer within 10 s');
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await Promise.race([up, failed]);
  };
  const halt = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await halt();
    },
    async restart() {
      await halt();
      await launch();
    },
    async dispose() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
