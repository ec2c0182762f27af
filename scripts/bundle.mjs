/**
 * Bundles the compiled JavaScript where start-up time counts (docs/performance.md,
 * "Fixed costs").
 *
 * - The CLI: dist/cli/program.js and everything it imports from dist/cli and
 *   dist/src become one CommonJS file, dist/bin/program.cjs, code loaded lazily
 *   (queue commands, --watch) included: Node's ES module loader spends about
 *   0.7 ms per module file, and as a few bundled ES module chunks the program
 *   started 6–8 ms later (median) than as one CommonJS file. `import.meta.url` becomes the
 *   bundle's own URL. The command's CommonJS launcher, dist/cli/launch.cjs,
 *   becomes dist/bin/tilepipe.cjs, the `tilepipe` command; it requires
 *   program.cjs.
 * - The tile worker: dist/src/exec/worker/tile-worker.js is bundled in place,
 *   so each worker thread loads one file instead of ~60 (ops and kernels).
 *
 * npm packages stay external, loaded from node_modules as before. Files the
 * code reads from the package (WebAssembly, the worker entry, package.json)
 * are found from the package root (src/model/package-files.ts), so a module
 * may move into a bundle. The library's other modules stay as tsc wrote them.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const common = { bundle: true, format: 'esm', platform: 'node', target: 'node20.19', packages: 'external', sourcemap: 'linked', logLevel: 'warning' };

rmSync(path.join(DIST, 'bin'), { recursive: true, force: true });
await build({
  ...common,
  format: 'cjs',
  entryPoints: [path.join(DIST, 'cli', 'program.js')],
  outfile: path.join(DIST, 'bin', 'program.cjs'),
  define: { 'import.meta.url': 'importMetaUrl' },
  // "use strict" first: a directive below the banner's statement would not count.
  banner: { js: "\"use strict\";\nconst importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

await build({
  ...common, format: 'cjs', entryPoints: [path.join(DIST, 'cli', 'launch.cjs')], outfile: path.join(DIST, 'bin', 'tilepipe.cjs'),
});

const worker = path.join(DIST, 'src', 'exec', 'worker', 'tile-worker.js');
await build({ ...common, entryPoints: [worker], outfile: worker, allowOverwrite: true });
