import { defineOp } from '../model/op.js';
import { applyLut, lutFrom } from '../kernels/lut.js';
import { channelsOf } from '../model/view.js';

/**
 * Auto-levels per channel: stretch each of R, G, B so that its `lower`
 * percentile maps to 0 and its `upper` percentile to 255 (0 and 100 give the
 * plain min/max stretch). Map phase: per-tile histograms; reduce: their sum.
 *
 * Differs on purpose from `sharp.normalise()`, which stretches L* in LAB between
 * whole-L* percentiles (default 1/99) and keeps chroma: this op stretches each
 * channel on its own, which also corrects a colour cast. They agree on grey
 * images and on images that already span 0..255 (test/oracle-point.test.ts).
 */
export const normalize = defineOp({
  name: 'normalize',
  kind: 'global',
  description: 'Per-channel auto-levels: stretch the [lower, upper] percentiles of R, G, B to 0..255',
  params: {
    lower: { type: 'number', min: 0, max: 50, default: 0, description: 'percentile mapped to 0' },
    upper: { type: 'number', min: 50, max: 100, default: 100, description: 'percentile mapped to 255' },
  },
  rgb: true,
  partial(view) {
    const hist = new Float64Array(768);
    const d = view.data;
    const c = channelsOf(view);
    for (let i = 0, n = d.length; i < n; i += c) {
      hist[d[i]]++;
      hist[256 + d[i + 1]]++;
      hist[512 + d[i + 2]]++;
    }
    return hist;
  },
  merge(a, b) {
    for (let i = 0; i < 768; i++) a[i] += b[i];
    return a;
  },
  finish(hist, { lower, upper }) {
    const bounds = [0, 1, 2].map((c) => {
      let total = 0;
      for (let v = 0; v < 256; v++) total += hist[c * 256 + v];
      const lo = (lower / 100) * total;
      const hi = (upper / 100) * total;
      let cum = 0;
      let min = 0;
      let max = 255;
      for (let v = 0; v < 256; v++) {
        cum += hist[c * 256 + v];
        if (cum > lo) { min = v; break; }
      }
      cum = 0;
      for (let v = 255; v >= 0; v--) {
        cum += hist[c * 256 + v];
        if (cum > total - hi) { max = v; break; }
      }
      return [min, max] as const;
    });
    return lutFrom((v, c) => {
      const [min, max] = bounds[c];
      return max > min ? ((v - min) * 255) / (max - min) : v;
    });
  },
  kernel: (view, _p, lut) => applyLut(view.data, lut, channelsOf(view)),
});
