/**
 * Where the queue lives: a Redis URL (`--redis`, else `TILEPIPE_REDIS_URL`,
 * else `redis://127.0.0.1:6379`) turned into BullMQ connection options that
 * retry with a bounded back-off while Redis is away, and the URL as it may be
 * printed (never with its password).
 */
import { ValidationError } from '../model/errors.js';

/** The default Redis URL. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The default queue name. */
export const DEFAULT_QUEUE = 'tilepipe';

/** Most milliseconds between two reconnection attempts. */
const MAX_BACKOFF_MS = 5_000;

/** Connection options for BullMQ (ioredis), from a Redis URL. */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  /** Required by BullMQ workers: commands wait for a reconnection instead of failing. */
  readonly maxRetriesPerRequest: null;
  readonly retryStrategy: (times: number) => number;
}

/** The URL to use: the given one, else `TILEPIPE_REDIS_URL`, else the default. */
export function redisUrl(given?: string): string {
  return given ?? process.env.TILEPIPE_REDIS_URL ?? DEFAULT_REDIS_URL;
}

/** Parses a `redis://[user:password@]host[:port][/db]` URL; a bad one is a ValidationError (exit 2). */
export function redisConnection(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError(`--redis must be a URL like redis://host:6379, got ${JSON.stringify(redactUrl(url))}`);
  }
  if (u.protocol !== 'redis:') throw new ValidationError(`--redis must be a redis:// URL, got ${JSON.stringify(redactUrl(url))}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) throw new ValidationError(`--redis: the database must be a number, got "${u.pathname.slice(1)}"`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== undefined ? { db } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(times, 6)),
  };
}

/** The URL with its password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(redis:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
