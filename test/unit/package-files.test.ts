/**
 * The files the code reads from its own package are found from the package
 * root, from the compiled library and from the CLI bundle alike.
 */
import { describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT, SHIPPED_FILES, packageFile, packageVersion } from '../../dist/src/model/package-files.js';
import { IS_GLIBC } from '../fixtures.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

describe('package files', () => {
  it('finds the package root from dist/src, and every shipped file is there after the build', () => {
    expect(PACKAGE_ROOT).toBe(ROOT);
    // The allocator helper is built on Linux with glibc only (scripts/build-native.mjs).
    for (const name of Object.keys(SHIPPED_FILES) as Array<keyof typeof SHIPPED_FILES>) {
      if (name === 'mallocTuning' && !IS_GLIBC) continue;
      expect(existsSync(packageFile(name)), name).toBe(true);
    }
    expect(packageVersion()).toBe((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('the package bin is the command\'s CommonJS launcher; it, and the program bundle it loads, both answer --version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: { tilepipe: string } };
    expect(path.resolve(ROOT, pkg.bin.tilepipe)).toBe(path.join(ROOT, 'dist', 'bin', 'tilepipe.cjs'));
    // `--version` alone is answered by the launcher; with another flag, by the program (dist/bin/program.cjs), which finds package.json from its bundle.
    for (const args of [['--version'], ['--version', '--quiet']]) {
      const { stdout } = await run(process.execPath, [path.join(ROOT, pkg.bin.tilepipe), ...args]);
      expect(stdout, args.join(' ')).toBe(`${pkg.version}\n`);
    }
  });

  it('a program that fails to load (say, sharp\'s native module missing) ends the command with one "tilepipe:" message and exit 1', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-launch-'));
    try {
      copyFileSync(path.join(ROOT, 'dist', 'bin', 'tilepipe.cjs'), path.join(dir, 'tilepipe.cjs'));
      writeFileSync(path.join(dir, 'program.cjs'), "throw new Error('cannot load sharp');\n");
      const res = spawnSync(process.execPath, [path.join(dir, 'tilepipe.cjs'), 'in', '-o', 'out'], { encoding: 'utf8' });
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(/^tilepipe: Error: cannot load sharp\n {4}at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
