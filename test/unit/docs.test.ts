/** The generated docs (docs/ops.md, the options table in docs/cli.md) match the code. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(import.meta.dirname, '..', '..');

describe('generated docs', () => {
  it('docs/ops.md and docs/cli.md are what npm run docs writes', () => {
    const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'docs.mjs'), '--check'], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it('docs/cli.md lists every flag of tilepipe --help', () => {
    const help = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'bin', 'tilepipe.cjs'), '--help'], { encoding: 'utf8' }).stdout;
    const cli = readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
    const flags = [...help.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]).filter((f) => f !== '--version' && f !== '--help');
    expect(flags.length).toBeGreaterThan(20);
    for (const flag of flags) expect(cli).toContain(flag);
  });

  it('docs/cli.md documents every environment variable tilepipe --help lists', () => {
    const help = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'bin', 'tilepipe.cjs'), '--help'], { encoding: 'utf8' }).stdout;
    const section = help.slice(help.indexOf('\nEnvironment:\n'));
    const names = [...section.matchAll(/^ {2}([A-Z][A-Z0-9_]+)/gm)].map((m) => m[1]);
    expect(names).toEqual(['NO_COLOR', 'UV_THREADPOOL_SIZE', 'TILEPIPE_REDIS_URL', 'TILEPIPE_SIMD', 'MALLOC_ARENA_MAX']);
    const cli = readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
    const documented = cli.slice(cli.indexOf('## Environment'), cli.indexOf('## Failure behaviour'));
    for (const name of names) expect(documented).toContain(`| \`${name}`);
  });

  it('the plugin example in docs/plugins.md is the fixture the plugin tests run', () => {
    const example = readFileSync(path.join(ROOT, 'test', 'fixtures', 'my-ops.mjs'), 'utf8');
    expect(readFileSync(path.join(ROOT, 'docs', 'plugins.md'), 'utf8')).toContain(example);
  });
});
