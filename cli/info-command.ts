/**
 * `tilepipe info <inputs...> [--json] [--ignore <glob>]...`: each image's header facts (size,
 * format, channels, colour space, orientation, ICC profile, frames, pixels),
 * without processing. Exit 0, or 1 if any input could not be read.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { expandInputs } from '../src/runs/expand-inputs.js';
import { inspectFile, type ImageInfo } from '../src/io/inspect.js';
import { collect } from './flags.js';

/** A path as the user would type it: relative to the working folder when inside it. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

const size = (bytes: number): string => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);

/** One line of text for `info`. */
export function infoLine(i: ImageInfo): string {
  return [
    shown(i.path), i.format, `${i.width}×${i.height} (${(i.pixels / 1e6).toFixed(1)} MP)`,
    `${i.channels} channels${i.hasAlpha ? ' with alpha' : ''}`, i.space, i.depth,
    ...(i.orientation ? [`orientation ${i.orientation}`] : []),
    i.icc ? `ICC "${i.icc}"` : 'no ICC',
    `${i.frames} frame${i.frames === 1 ? '' : 's'}`, size(i.bytes),
  ].join('  ');
}

/** Adds the `info` command; `setCode` receives its exit code. */
export function addInfoCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('info')
    .description('show each image\'s size, format, channels, colour space, orientation, ICC profile and frames, without processing')
    .argument('<inputs...>', 'image files, directories (walked recursively) or quoted globs')
    .option('--json', 'one JSON object per image (NDJSON)')
    .option('--follow-symlinks', 'follow symbolic links in folders and globs')
    .option('--ignore <glob>', 'leave out matching inputs, as for a run (repeatable)', collect)
    .action(async (inputs: string[], opts: { json?: boolean; followSymlinks?: boolean; ignore?: string[] }) => {
      const files = await expandInputs(inputs, { followSymlinks: Boolean(opts.followSymlinks), ignore: opts.ignore ?? [] });
      let failed = 0;
      if (files.length === 0) {
        process.stderr.write(`tilepipe: no images found in ${inputs.join(' ')}\n`);
        failed++;
      }
      for (const f of files) {
        if (f.problem) {
          process.stderr.write(`tilepipe: ${shown(f.path)}: ${f.problem}\n`);
          failed++;
          continue;
        }
        try {
          const info = await inspectFile(f.path);
          process.stdout.write(opts.json ? `${JSON.stringify({ ...info, path: shown(info.path) })}\n` : `${infoLine(info)}\n`);
        } catch (err) {
          process.stderr.write(`tilepipe: ${err instanceof Error ? err.message.replace(f.path, shown(f.path)) : String(err)}\n`);
          failed++;
        }
      }
      setCode(failed > 0 ? 1 : 0);
    });
}
