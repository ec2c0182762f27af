/**
 * The CLI's config discovery (cli/config.ts): which file in the working folder is
 * the config, how flags and -c override it, and what is no config at all.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { outputsOf, tempDir, tilepipe, writeJpeg } from './cli-helpers.js';

describe('config discovery', () => {
  it('a config is found in the working folder (tilepipe.config.mjs, .json, or package.json "tilepipe"); flags override it; -c wins over it', async () => {
    const root = tempDir('tilepipe-discover-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 24, 16, 1);
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'site', tilepipe: { format: 'webp', outDir: 'from-pkg' } }));
    expect((await tilepipe(['in', '-j', '1'], root)).code).toBe(0);
    expect(outputsOf(path.join(root, 'from-pkg'))).toEqual(['a.webp']);

    writeFileSync(path.join(root, 'tilepipe.config.mjs'), "export default { formats: ['png'], outDir: 'from-mjs', ops: ['invert'] };\n");
    expect((await tilepipe(['in', '-j', '1'], root)).code).toBe(0);
    expect(outputsOf(path.join(root, 'from-mjs'))).toEqual(['a.png']);
    // A flag overrides the discovered file.
    expect((await tilepipe(['in', '-j', '1', '--format', 'jpeg'], root)).code).toBe(0);
    expect(outputsOf(path.join(root, 'from-mjs')).sort()).toEqual(['a.jpg', 'a.png']);
    // -c wins: the discovered file is not read at all.
    writeFileSync(path.join(root, 'other.json'), JSON.stringify({ outDir: 'from-c' }));
    expect((await tilepipe(['in', '-j', '1', '-c', 'other.json'], root)).code).toBe(0);
    expect(outputsOf(path.join(root, 'from-c'))).toEqual(['a.jpg']);
    // A discovered config with an unknown key is a usage error naming the file.
    writeFileSync(path.join(root, 'tilepipe.config.mjs'), 'export default { fromats: ["png"] };\n');
    const bad = await tilepipe(['in', '-j', '1'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('config tilepipe.config.mjs: unknown setting "fromats"');
  });

  it('a package.json without a "tilepipe" key is no config, whether it names tilepipe as a dependency or does not parse', async () => {
    const root = tempDir('tilepipe-no-config-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 24, 16, 1);
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'site', dependencies: { tilepipe: '^0.1.0' } }));
    expect((await tilepipe(['in', '-o', 'out', '-j', '1'], root)).code).toBe(0);
    expect(outputsOf(path.join(root, 'out'))).toEqual(['a.jpg']);
    writeFileSync(path.join(root, 'package.json'), '{ "name": "site", ');
    const res = await tilepipe(['in', '-o', 'out2', '-j', '1'], root);
    expect(res.code, res.stderr).toBe(0);
    expect(outputsOf(path.join(root, 'out2'))).toEqual(['a.jpg']);
    // One that does mention tilepipe is parsed, and a broken one is then a usage error naming it
    // (not the blank tilepipe.config.json before it, which lilconfig passes over).
    writeFileSync(path.join(root, 'tilepipe.config.json'), ' \n');
    writeFileSync(path.join(root, 'package.json'), '{ "name": "site", "tilepipe": ');
    const broken = await tilepipe(['in', '-o', 'out3', '-j', '1'], root);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^tilepipe: config package\.json: Unexpected end of JSON input$/m);
  });
});
