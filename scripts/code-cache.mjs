/**
 * Writes the program bundle's V8 code cache, dist/bin/program.cjs.cache, the
 * last step of `npm run build` (see cli/program-loader.cts). It loads the
 * bundle as the command does, runs it on a small generated image twice (a
 * point op, which libvips runs, and a chain of neighbourhood ops, which the
 * tile workers run), and saves what V8 compiled. The cache is only valid for
 * this build of the bundle and this Node; the command ignores it otherwise.
 * A failure here prints one line and leaves no cache: the command then
 * compiles the bundle at every start, as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const program = path.join(root, 'dist', 'bin', 'program.cjs');
const require = createRequire(import.meta.url);
const { loadProgram, saveProgramCache } = require(path.join(root, 'dist', 'cli', 'program-loader.cjs'));
const sharp = require('sharp');

const dir = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-code-cache-'));
const cwd = process.cwd();
rmSync(`${program}.cache`, { force: true });
try {
  const image = path.join(dir, 'photo.png');
  await sharp({ create: { width: 96, height: 64, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toFile(image);
  process.chdir(dir); // the training run must not find a developer's tilepipe config
  const loaded = loadProgram(program);
  const write = process.stdout.write;
  process.stdout.write = () => true; // the runs list their outputs there
  try {
    for (const [i, chain] of [['invert'], ['blur:sigma=1', 'sharpen']].entries()) {
      await loaded.exports.run([process.execPath, 'tilepipe', image, '-o', path.join(dir, `out${i}`), '--quiet', ...chain.flatMap((op) => ['--op', op])]);
      if (process.exitCode) throw new Error(`the run with ${chain.join(' → ')} exited ${process.exitCode}`);
    }
  } finally {
    process.stdout.write = write;
  }
  const bytes = saveProgramCache(loaded, program);
  process.stdout.write(`code cache: ${path.relative(root, program)}.cache, ${Math.round(bytes / 1024)} KB\n`);
} catch (err) {
  process.stdout.write(`code cache: not written (${err.message.split('\n')[0]}); the command will compile its program at every start\n`);
  process.exitCode = 0;
} finally {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
}
