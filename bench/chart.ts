/** The benchmark's speedup chart: SVG, rendered to PNG with sharp. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { BenchReport } from './report.js';

const COLORS: Record<string, string> = { batch: '#1f77b4', big: '#d62728', custom: '#2ca02c', photos: '#9467bd', 'photos-fast': '#ff7f0e', 'photos-resize': '#8c564b' };
const MARKERS: Record<string, { x: 'one' | 'all'; shape: string }> = {
  'main-thread': { x: 'one', shape: 'circle' },
  'sharp-tuned': { x: 'all', shape: 'square' },
  'sharp-malloc': { x: 'all', shape: 'plus' },
  'sharp-one-core': { x: 'one', shape: 'square' },
  'sharp-like': { x: 'all', shape: 'cross' },
  'sharp-default': { x: 'all', shape: 'triangle' },
  jimp: { x: 'one', shape: 'diamond' },
  'vips-cli': { x: 'all', shape: 'diamond' },
  magick: { x: 'all', shape: 'circle' },
};

function marker(shape: string, x: number, y: number, color: string): string {
  const r = 5;
  const p = (pts: number[][]) => `<polygon points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="1.8"/>`;
  switch (shape) {
    case 'circle': return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="none" stroke="${color}" stroke-width="1.8"/>`;
    case 'square': return p([[x - r, y - r], [x + r, y - r], [x + r, y + r], [x - r, y + r]]);
    case 'triangle': return p([[x, y - r - 1], [x + r + 1, y + r], [x - r - 1, y + r]]);
    case 'plus': return `<path d="M${x - r - 1},${y}L${x + r + 1},${y}M${x},${y - r - 1}L${x},${y + r + 1}" stroke="${color}" stroke-width="1.8"/>`;
    case 'cross': return `<path d="M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}" stroke="${color}" stroke-width="1.8"/>`;
    default: return p([[x, y - r - 1], [x + r + 1, y], [x, y + r + 1], [x - r - 1, y]]);
  }
}

/** Speedup vs workers: our curves, the ideal line, baselines as markers (speed relative to our 1-worker time). */
export function svgChart(r: BenchReport): string {
  const W = 720, H = 400, ml = 56, mr = 250, mt = 36, mb = 46;
  const N = Math.max(2, ...r.workloads.map((w) => w.runs[w.runs.length - 1].workers));
  const ys: number[] = [N];
  for (const w of r.workloads) {
    for (const p of w.runs) ys.push(p.speedup);
    for (const b of Object.values(w.baselines)) if (b) ys.push(b.speedupVsOurs1);
  }
  const yMax = Math.ceil(Math.max(...ys) * 1.1 * 2) / 2;
  const px = (x: number) => ml + ((x - 1) / (N - 1)) * (W - ml - mr);
  const py = (y: number) => H - mb - (y / yMax) * (H - mt - mb);
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="${ml}" y="20" font-size="14" font-weight="bold">tilepipe speedup vs workers${r.settings.quick ? ' (quick)' : ''} — ${r.machine.cores} cores</text>`);
  const step = yMax > 8 ? 2 : yMax > 4 ? 1 : 0.5;
  for (let y = 0; y <= yMax + 1e-9; y += step) {
    o.push(`<line x1="${ml}" x2="${W - mr}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#eee"/>`);
    o.push(`<text x="${ml - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${y}</text>`);
  }
  for (let x = 1; x <= N; x++) o.push(`<text x="${px(x).toFixed(1)}" y="${H - mb + 16}" text-anchor="middle">${x}</text>`);
  o.push(`<text x="${(ml + W - mr) / 2}" y="${H - 8}" text-anchor="middle">workers (cores)</text>`);
  o.push(`<text transform="translate(14 ${(mt + H - mb) / 2}) rotate(-90)" text-anchor="middle">speedup vs our 1-worker time</text>`);
  o.push(`<line x1="${ml}" x2="${W - mr}" y1="${H - mb}" y2="${H - mb}" stroke="#333"/><line x1="${ml}" x2="${ml}" y1="${mt}" y2="${H - mb}" stroke="#333"/>`);
  o.push(`<line x1="${px(1)}" y1="${py(1).toFixed(1)}" x2="${px(N)}" y2="${py(N).toFixed(1)}" stroke="#999" stroke-dasharray="5 4"/>`);
  r.workloads.forEach((w, i) => {
    const c = COLORS[w.name] ?? '#555';
    o.push(`<polyline fill="none" stroke="${c}" stroke-width="2.2" points="${w.runs.map((p) => `${px(p.workers).toFixed(1)},${py(p.speedup).toFixed(1)}`).join(' ')}"/>`);
    for (const p of w.runs) o.push(`<circle cx="${px(p.workers).toFixed(1)}" cy="${py(p.speedup).toFixed(1)}" r="3" fill="${c}"/>`);
    const dx = (i - (r.workloads.length - 1) / 2) * 7;
    for (const [name, b] of Object.entries(w.baselines)) {
      const mk = MARKERS[name];
      if (!b || !mk) continue;
      o.push(marker(mk.shape, px(mk.x === 'one' ? 1 : N) + dx + (mk.x === 'one' ? 14 : -14), py(b.speedupVsOurs1), c));
    }
  });
  // Legend.
  let ly = mt + 4;
  const lx = W - mr + 14;
  const item = (svg: string, label: string) => { o.push(svg, `<text x="${lx + 22}" y="${ly + 4}">${label}</text>`); ly += 18; };
  for (const w of r.workloads) item(`<line x1="${lx}" x2="${lx + 16}" y1="${ly}" y2="${ly}" stroke="${COLORS[w.name] ?? '#555'}" stroke-width="2.2"/>`, `${w.name} (tilepipe)`);
  item(`<line x1="${lx}" x2="${lx + 16}" y1="${ly}" y2="${ly}" stroke="#999" stroke-dasharray="5 4"/>`, 'ideal (speedup = n)');
  ly += 6;
  o.push(`<text x="${lx}" y="${ly + 4}" fill="#555">baselines (colour = workload)</text>`);
  ly += 18;
  for (const [name, mk] of Object.entries(MARKERS)) item(marker(mk.shape, lx + 8, ly, '#333'), `${name}${mk.x === 'all' ? ` (${N} cores)` : ' (1 image at a time)'}`);
  o.push('</svg>');
  return o.join('\n');
}

/** Writes the SVG and renders it to PNG; returns the paths (png null if rendering failed). */
export async function writeChart(dir: string, svg: string): Promise<{ svg: string; png: string | null }> {
  await mkdir(dir, { recursive: true });
  const svgPath = path.join(dir, 'speedup.svg');
  const pngPath = path.join(dir, 'speedup.png');
  await writeFile(svgPath, svg);
  // Reported relative to the working folder, so saved reports hold no machine's absolute paths.
  const shown = (p: string): string => path.relative(process.cwd(), p) || p;
  try {
    await sharp(Buffer.from(svg), { density: 144 }).png().toFile(pngPath);
    return { svg: shown(svgPath), png: shown(pngPath) };
  } catch {
    return { svg: shown(svgPath), png: null };
  }
}
