/**
 * Where the package's own files are. They are found from the package root
 * (the nearest folder above this module with a package.json), not relative to
 * the importing module, so the same code works from the compiled library in
 * dist/src and from the CLI bundle in dist/bin.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every file the code reads from its own package, by path from the package root. */
export const SHIPPED_FILES = {
  /** The package manifest (for the version). */
  packageJson: 'package.json',
  /** The WebAssembly SIMD kernels (built by `npm run build:wasm`). */
  simdKernels: 'dist/src/kernels/simd/kernels.wasm',
  /** libdeflate compiled to WebAssembly, for the banded PNG encoder. */
  deflate: 'dist/src/io/png/deflate.wasm',
  /** The CommonJS file piscina loads in every tile worker. */
  workerEntry: 'dist/src/exec/worker/tile-worker-entry.cjs',
  /** glibc's mallopt for Node, built at install where it can be (native/malloc-tuning.c). */
  mallocTuning: 'build/Release/malloc_tuning.node',
} as const;

/** The package's root folder. */
export const PACKAGE_ROOT = packageRootAbove(path.dirname(fileURLToPath(import.meta.url)));

/** The absolute path of one of the {@link SHIPPED_FILES}. */
export function packageFile(file: keyof typeof SHIPPED_FILES): string {
  return path.join(PACKAGE_ROOT, SHIPPED_FILES[file]);
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('packageJson'), 'utf8')) as { version: string }).version;
}

function packageRootAbove(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) throw new Error(`tilepipe: no package.json in any folder above ${dir}`);
  }
}
