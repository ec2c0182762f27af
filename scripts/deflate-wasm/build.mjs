#!/usr/bin/env node
/**
 * Builds src/io/png/deflate.wasm, the deflate the banded PNG encoder runs on
 * its workers: libdeflate v1.25's compressor (MIT, by Eric Biggers),
 * compiled to WebAssembly with clang/lld, with wrapper.c's exports.
 *
 *   LIBDEFLATE_SRC=<a clone of https://github.com/ebiggers/libdeflate> node scripts/deflate-wasm/build.mjs
 *
 * Needs clang and lld with the wasm32 target (Debian: apt-get install clang lld).
 * The .wasm is committed, so neither is needed to build or use tilepipe.
 *
 * libdeflate compresses a whole buffer into one final stream. Bands of one
 * PNG must concatenate into one stream instead, so deflate_compress.c is
 * patched (each patch checked to match as often as expected): no block
 * header is marked final, and a compressed stream ends with an empty stored
 * block, byte-aligned (what zlib's Z_SYNC_FLUSH writes; wrapper.c adds the
 * same after the stored-only path of tiny inputs). Nothing else changes.
 * libdeflate's licence is written beside the .wasm.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const TAG = 'v1.25';
const COMMIT = 'c8c56a20f8f621e6a966b716b31f1dedab6a41e3';
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'src', 'io', 'png', 'deflate.wasm');
const src = process.env.LIBDEFLATE_SRC;
if (!src) {
  console.error('Set LIBDEFLATE_SRC to a clone of https://github.com/ebiggers/libdeflate (tag v1.25).');
  process.exit(2);
}
const git = (...args) => execFileSync('git', ['-C', src, ...args], { encoding: 'utf8' }).trim();
if (git('rev-parse', `${TAG}^{commit}`) !== COMMIT) throw new Error(`${TAG} is not ${COMMIT} in ${src}`);

const work = mkdtempSync(join(tmpdir(), 'tilepipe-deflate-'));
try {
  execFileSync('sh', ['-c', `git -C "$0" archive ${COMMIT} lib libdeflate.h common_defs.h COPYING | tar -x -C "$1"`, src, work]);
  const file = join(work, 'lib', 'deflate_compress.c');
  let c = readFileSync(file, 'utf8');
  const patch = (from, to) => {
    const n = c.split(from).length - 1;
    if (n < 1) throw new Error(`patch did not match: ${from}`);
    c = c.split(from).join(to);
    return n;
  };
  // Compressed blocks: BFINAL is always 0.
  if (patch('ADD_BITS(is_final_block, 1);', 'ADD_BITS(0, 1);') !== 2) throw new Error('expected two block headers');
  if (patch('bfinal = is_final_block;', 'bfinal = 0;') !== 1) throw new Error('expected one stored-block header');
  // Stored-only streams (tiny inputs): not final either; they already end byte-aligned.
  if (patch('bfinal = 1;', 'bfinal = 0;') !== 1) throw new Error('expected one passthrough header');
  if (patch('*out_next++ = 1 | (DEFLATE_BLOCKTYPE_UNCOMPRESSED << 1);', '*out_next++ = 0 | (DEFLATE_BLOCKTYPE_UNCOMPRESSED << 1);') !== 1) throw new Error('expected one empty-input header');
  // Compressed streams: after the last block, an empty stored block (header bits, align, LEN 0, NLEN 0xFFFF).
  if (patch('\tASSERT(os.bitcount <= 7);\n\tif (os.bitcount) {', [
    '\tif (os.end - os.next < 6)',
    '\t\treturn 0;',
    '\t*os.next++ = os.bitbuf;',
    '\tif (os.bitcount > 5)',
    '\t\t*os.next++ = 0;',
    '\tput_unaligned_le32(0xFFFF0000, os.next);',
    '\tos.next += 4;',
    '\tos.bitcount = 0;',
    '\tASSERT(os.bitcount <= 7);',
    '\tif (os.bitcount) {',
  ].join('\n')) !== 1) throw new Error('expected one stream end');
  writeFileSync(file, c);
  execFileSync('clang', [
    '--target=wasm32', '-O2', '-msimd128', '-mbulk-memory', '-ffreestanding', '-nostdlib', '-DFREESTANDING',
    `-I${work}`, '-Wl,--no-entry', '-Wl,--strip-all',
    '-o', out, join(here, 'wrapper.c'), file, join(work, 'lib', 'utils.c'),
  ], { stdio: 'inherit' });
  copyFileSync(join(work, 'COPYING'), join(dirname(out), 'deflate.wasm.LICENSE'));
  console.log(`wrote ${out} (${statSync(out).size} bytes) from libdeflate ${TAG}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
