/**
 * Builds tilepipe's optional native helper (native/malloc-tuning.c, glibc's
 * mallopt) with node-gyp, on Linux only. It never fails the install: where
 * there is no compiler, no Node headers or no glibc, it prints one line and
 * tilepipe runs with glibc's default allocator settings
 * (src/io/malloc-tuning.ts). Skipped when the built file is newer than its
 * source.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = path.join(root, 'native', 'malloc-tuning.c');
const built = path.join(root, 'build', 'Release', 'malloc_tuning.node');
const glibc = process.platform === 'linux' && Boolean(process.report?.getReport().header.glibcVersionRuntime);

if (!glibc) {
  process.exit(0); // mallopt is glibc's; elsewhere there is nothing to build
}
if (existsSync(built) && statSync(built).mtimeMs >= statSync(source).mtimeMs) {
  process.exit(0);
}
// npm names its own node-gyp in the scripts it runs; elsewhere, the one bundled with npm beside this Node, or on PATH.
const prefix = path.dirname(path.dirname(process.execPath));
const bundled = path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const gyp = process.env.npm_config_node_gyp || (existsSync(bundled) ? bundled : undefined);
const [command, args] = gyp ? [process.execPath, [gyp]] : ['node-gyp', []];
// The running Node's own headers where it has them (Debian's nodejs, official tarballs), so that nothing is downloaded.
const nodedir = process.env.npm_config_nodedir || (existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined);
const r = spawnSync(command, [...args, 'rebuild', '--loglevel=error', ...(nodedir ? [`--nodedir=${nodedir}`] : [])], {
  cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8',
});
if (r.status !== 0) {
  // The most telling line: an error's own message ("Error: not found: make"), else node-gyp's first complaint.
  const lines = r.stderr.split('\n');
  const line = lines.find((l) => /Error: /.test(l)) ?? lines.find((l) => /ERR!|error/i.test(l));
  const why = r.error ? r.error.message : (line?.replace(/^gyp ERR! (stack )?/, '').trim() || `node-gyp exited with ${r.status}`);
  process.stderr.write(`tilepipe: the native allocator helper was not built (${why.trim()}); glibc's default allocator settings will be used\n`);
}
