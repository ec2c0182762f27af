/**
 * `tilepipe enqueue`, `tilepipe worker` and `tilepipe queue`: the same run on
 * a BullMQ job queue (Redis), thin layers over src/queue/. Exit codes are the
 * local CLI's: 0 done, 1 some inputs failed, 2 usage, 130 interrupted.
 * BullMQ is imported only when one of these commands runs.
 */
import { Command, Option } from './commander.js';
import { ValidationError } from '../src/model/errors.js';
import { redactUrl, redisUrl } from '../src/queue/connection.js';
import { parseOption } from '../src/model/options.js';
import { findConfig, loadConfig } from './config.js';
import { addSchemaFlags, collect, givenFlags, toRunSettings } from './flags.js';
import { Reporter } from './report.js';

const queueFlags = (cmd: Command): Command => cmd
  .option('--redis <url>', 'Redis URL (default: TILEPIPE_REDIS_URL, else redis://127.0.0.1:6379)')
  .option('--queue <name>', 'queue name (default: tilepipe)');

/** Reports Redis connection failures on stderr, at most one line every 5 s (the clients retry with back-off). */
function redisErrorReporter(url: string): (err: Error) => void {
  let last = 0;
  return (err) => {
    if (Date.now() - last < 5_000) return;
    last = Date.now();
    process.stderr.write(`tilepipe: Redis at ${redactUrl(url)} unreachable (${err.message.split('\n')[0]}); retrying\n`);
  };
}

/** Resolves on the first SIGINT/SIGTERM with its exit code. */
function onSignal(): { code: Promise<number>; off: () => void } {
  let off = (): void => {};
  const code = new Promise<number>((resolve) => {
    const handler = (sig: NodeJS.Signals): void => resolve(sig === 'SIGTERM' ? 143 : 130);
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
    off = () => { process.off('SIGINT', handler); process.off('SIGTERM', handler); };
  });
  return { code, off };
}

/** Adds the queue commands to the program; each sets `setCode` with its exit code. */
export function addQueueCommands(program: Command, setCode: (code: number) => void): void {
  const enq = queueFlags(addSchemaFlags(program.command('enqueue').description('add one job per input to a queue; workers run them (see tilepipe worker)')
    .argument('[inputs...]', 'image files, directories or quoted globs, on storage every worker sees'), ['run', 'cli', 'encode'], ['plugins']))
    .option('--wait', 'follow the batch to its end and report as a local run does (SIGINT stops waiting; the jobs stay queued)');
  enq.action(async (inputs: string[], opts: { redis?: string; queue?: string; wait?: boolean; config?: string }) => {
    const config = opts.config ? await loadConfig(opts.config) : (await findConfig(process.cwd()))?.settings ?? {};
    const settings = { ...config, ...givenFlags(enq), ...(inputs.length ? { inputs } : {}) };
    const o = toRunSettings(settings);
    const { enqueue } = await import('../src/queue/enqueue.js');
    const batch = await enqueue({ ...o.run, plugins: o.pipeline.plugins ?? [], redis: opts.redis, queue: opts.queue, onRedisError: redisErrorReporter(redisUrl(opts.redis)) });
    try {
      const where = `queue ${opts.queue ?? 'tilepipe'} at ${redactUrl(redisUrl(opts.redis))}`;
      if (!opts.wait) {
        process.stdout.write(o.json ? `${JSON.stringify({ type: 'batch', id: batch.id, jobs: batch.jobs, added: batch.added })}\n` : `${batch.id}\n`);
        if (!o.quiet) process.stderr.write(`tilepipe: batch ${batch.id}: ${batch.jobs} jobs (${batch.added} new) on ${where}${batch.rejected.length ? `; ${batch.rejected.length} inputs rejected` : ''}\n`);
        for (const e of batch.rejected) process.stderr.write(`error: ${e.error}\n`);
        setCode(batch.rejected.length ? 1 : 0);
        return;
      }
      const reporter = new Reporter({ json: o.json, quiet: o.quiet, dryRun: false, color: Reporter.wantsColor(o.color), progress: !o.json && Reporter.wantsProgress(o.quiet) });
      reporter.plan(batch.jobs + batch.rejected.length);
      const signal = onSignal();
      const controller = new AbortController();
      void signal.code.then(() => controller.abort(new Error('interrupted')));
      try {
        for await (const e of batch.follow(controller.signal)) {
          if (e.type === 'file') reporter.file(e);
          else {
            reporter.summary(e);
            setCode(e.failed > 0 ? 1 : 0);
          }
        }
      } catch (err) {
        if (!controller.signal.aborted) throw err;
        process.stderr.write(`tilepipe: stopped waiting; batch ${batch.id} stays on the ${where}\n`);
        setCode(await signal.code);
      } finally {
        signal.off();
      }
    } finally {
      await batch.close();
    }
  });

  const work = queueFlags(program.command('worker').description('take jobs from a queue and run them, until SIGTERM (graceful: active jobs finish)'))
    .option('-j, --workers <n>', 'tile worker threads (default: available cores)')
    .option('--concurrency <n>', 'images processed at once (default: workers + 1)')
    .option('--root <dir>', 'folder jobs may read and write, repeatable (default: the working folder)', collect)
    .option('--plugin <path>', 'load operations from a module, repeatable', collect)
    .addOption(new Option('--lock-ms <ms>', 'ms before a job whose worker died is redone (default: 30000)'));
  work.action(async (opts: { redis?: string; queue?: string; workers?: string; concurrency?: string; root?: string[]; plugin?: string[]; lockMs?: string }) => {
    const int = (name: 'workers' | 'timeout', raw: string | undefined, flag: string): number | undefined => {
      if (raw === undefined) return undefined;
      try {
        return parseOption(name, raw, { text: true, cli: true }) as number;
      } catch {
        throw new ValidationError(`${flag} must be a positive integer, got ${JSON.stringify(raw)}`);
      }
    };
    const { createWorker } = await import('../src/queue/worker.js');
    const worker = await createWorker({
      redis: opts.redis, queue: opts.queue, workers: int('workers', opts.workers, '--workers'), concurrency: int('workers', opts.concurrency, '--concurrency'),
      roots: opts.root, plugins: opts.plugin, lockMs: int('timeout', opts.lockMs, '--lock-ms'), onRedisError: redisErrorReporter(redisUrl(opts.redis)),
      onJob: (job, outcome) => { if (outcome instanceof Error) process.stderr.write(`error: ${outcome.message}\n`); },
    });
    process.stderr.write(`tilepipe worker: taking jobs from queue ${opts.queue ?? 'tilepipe'} at ${redactUrl(redisUrl(opts.redis))}\n`);
    const signal = onSignal();
    const code = await signal.code;
    process.stderr.write('tilepipe worker: stopping: active jobs finish, no new ones are taken\n');
    await worker.close();
    setCode(code === 143 ? 0 : code);
  });

  const admin = program.command('queue').description('look after a queue: status, retry-failed, drain');
  for (const [name, doc] of [['status', 'job counts, in total and per batch'], ['retry-failed', 're-queue every failed job'], ['drain', 'remove every waiting job']] as const) {
    queueFlags(admin.command(name).description(doc)).option('--json', 'as JSON').action(async (opts: { redis?: string; queue?: string; json?: boolean }) => {
      const address = { redis: opts.redis, queue: opts.queue };
      const { drainQueue, queueStatus, retryFailed } = await import('../src/queue/admin.js');
      const result = name === 'status' ? await queueStatus(address) : { [name === 'drain' ? 'removed' : 'retried']: name === 'drain' ? await drainQueue(address) : await retryFailed(address) };
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${Object.entries(result).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('\n')}\n`);
      setCode(0);
    });
  }
}
