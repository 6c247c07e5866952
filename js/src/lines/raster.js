// Lines as pixel columns. A line is traced into one vertical span per pixel column (the
// lowest and highest y it reaches there), then painted into a premultiplied RGBA buffer
// with Porter-Duff "over" and anti-aliased span ends. Headless Chromium's 2D canvas spends
// ~1.5 us on each fillRect; writing the pixels ourselves paints a thousand series of 800
// columns in ~25 ms instead of ~1.3 s (measured; see BENCHMARKS.md).

/** Linear map a -> r0 + (a - d0) * k, or log10 for a log scale (what Vega's scales do). */
export function axisMap(domain, range, log = false) {
  const f = log ? Math.log10 : (v) => v;
  const d0 = f(Number(domain[0]));
  const d1 = f(Number(domain[domain.length - 1]));
  const k = d1 !== d0 ? (range[1] - range[0]) / (d1 - d0) : 0;
  const r0 = range[0];
  return {
    log,
    d0,
    r0,
    k,
    to: log ? (v) => r0 + (Math.log10(v) - d0) * k : (v) => r0 + (v - d0) * k,
    from: (p) => {
      const v = k !== 0 ? d0 + (p - r0) / k : d0;
      return log ? 10 ** v : v;
    },
  };
}

/** Per-column spans of one traced line: lo <= hi in device pixels, empty when lo > hi. */
export class Spans {
  constructor(width) {
    this.lo = new Float32Array(width).fill(Infinity);
    this.hi = new Float32Array(width).fill(-Infinity);
  }

  get width() {
    return this.lo.length;
  }

  clear(c0, c1) {
    this.lo.fill(Infinity, c0, c1 + 1);
    this.hi.fill(-Infinity, c0, c1 + 1);
  }

  add(c, y) {
    if (y < this.lo[c]) this.lo[c] = y;
    if (y > this.hi[c]) this.hi[c] = y;
  }

  /** The segment (x0, y0)-(x1, y1) where it crosses columns [c0, c1]. */
  segment(x0, y0, x1, y1, c0, c1) {
    if (x1 < x0) {
      [x0, y0, x1, y1] = [x1, y1, x0, y0];
    }
    const first = Math.max(c0, Math.floor(x0));
    const last = Math.min(c1, Math.floor(x1));
    if (x1 === x0) {
      if (first === last) {
        this.add(first, y0);
        this.add(first, y1);
      }
      return;
    }
    const slope = (y1 - y0) / (x1 - x0);
    for (let c = first; c <= last; c++) {
      const xa = c > x0 ? c : x0;
      const xb = c + 1 < x1 ? c + 1 : x1;
      this.add(c, y0 + (xa - x0) * slope);
      this.add(c, y0 + (xb - x0) * slope);
    }
  }

  /** A lone point at (x, y) when it lies in columns [c0, c1]. */
  point(x, y, c0, c1) {
    const c = Math.floor(x);
    if (c >= c0 && c <= c1) this.add(c, y);
  }
}

/** A CSS colour as [r, g, b] in 0..1 (hex, rgb() and named colours via a 1x1 canvas). */
export function parseColor(color, probe = null) {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color ?? "");
  if (hex) {
    let h = hex[1];
    if (h.length === 3) h = [...h].map((c) => c + c).join("");
    const v = parseInt(h, 16);
    return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
  }
  const rgb = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(color ?? "");
  if (rgb) return [Number(rgb[1]) / 255, Number(rgb[2]) / 255, Number(rgb[3]) / 255];
  if (probe) {
    probe.fillStyle = "#000";
    probe.fillStyle = color;
    const resolved = probe.fillStyle; // the browser's own "#rrggbb" or "rgba(...)"
    if (resolved !== color) return parseColor(resolved, null);
  }
  return [0.3, 0.47, 0.66]; // Vega's first category colour, for what cannot be parsed
}

/** A premultiplied RGBA buffer of width x height device pixels, stored column by column. */
export class Raster {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.acc = new Float32Array(width * height * 4);
  }

  clear(c0 = 0, c1 = this.width - 1) {
    this.acc.fill(0, c0 * this.height * 4, (c1 + 1) * this.height * 4);
  }

  /** Paint column c from y = a to y = b (a < b, fractional) at alpha, over what is there. */
  run(c, a, b, r, g, bl, alpha) {
    if (!(b > a) || alpha <= 0) return;
    const H = this.height;
    const top = Math.max(0, Math.floor(a));
    const bottom = Math.min(H - 1, Math.ceil(b) - 1);
    const acc = this.acc;
    let i = (c * H + top) * 4;
    for (let y = top; y <= bottom; y++, i += 4) {
      // the part of pixel row [y, y + 1) the run covers
      const cover = (y + 1 < b ? y + 1 : b) - (y > a ? y : a);
      const s = alpha * cover;
      const keep = 1 - s;
      acc[i] = r * s + acc[i] * keep;
      acc[i + 1] = g * s + acc[i + 1] * keep;
      acc[i + 2] = bl * s + acc[i + 2] * keep;
      acc[i + 3] = s + acc[i + 3] * keep;
    }
  }

  /**
   * Paint a traced line: each column's span widened by half the stroke width, and the
   * neighbouring columns' spans at partial coverage (a stroke is `width` pixels wide
   * across, which a steep part needs). One pass per column: a pixel's coverage by the
   * span and by the parts of the neighbours' band above and below it are combined into one
   * "over" (1 - (1 - s1)(1 - s2)(1 - s3): the same as painting the three runs in turn,
   * since they share a colour), and a fully covered opaque pixel is simply written.
   */
  stroke(spans, color, opacity, width, c0 = 0, c1 = this.width - 1) {
    if (!(opacity > 0)) return;
    const [r, g, b] = color;
    const half = width / 2;
    const side = Math.min(1, Math.max(0, (width - 1) / 2));
    const sideAlpha = opacity * side;
    const { lo, hi } = spans;
    const W = this.width;
    const H = this.height;
    const acc = this.acc;
    for (let c = c0; c <= c1; c++) {
      const own = lo[c] <= hi[c];
      let nLo = Infinity;
      let nHi = -Infinity;
      if (sideAlpha > 0) {
        if (c > 0 && lo[c - 1] <= hi[c - 1]) {
          nLo = lo[c - 1];
          nHi = hi[c - 1];
        }
        if (c + 1 < W && lo[c + 1] <= hi[c + 1]) {
          if (lo[c + 1] < nLo) nLo = lo[c + 1];
          if (hi[c + 1] > nHi) nHi = hi[c + 1];
        }
      }
      const band = nLo <= nHi;
      if (!own && !band) continue;
      // the span [a, z) at opacity; the neighbours' band [sa, sz) at sideAlpha, where it is
      // outside the span: [sa, a) below it and [z, sz) above it (all of it with no span)
      const a = own ? lo[c] - half : Infinity;
      const z = own ? hi[c] + half : Infinity;
      const sa = band ? nLo - half : Infinity;
      const sz = band ? nHi + half : -Infinity;
      const lowEnd = own ? a : sz; // the band's part below the span ends here
      const highStart = own && band && sz > z ? z : Infinity;
      const top = Math.max(0, Math.floor(own ? Math.min(a, sa) : sa));
      const bottom = Math.min(H - 1, Math.ceil(own ? Math.max(z, sz) : sz) - 1);
      let i = (c * H + top) * 4;
      for (let y = top; y <= bottom; y++, i += 4) {
        const y1 = y + 1;
        let keep = 1; // what is left of the pixel's old colour: (1 - s1)(1 - s2)(1 - s3)
        if (own) {
          const cover = (y1 < z ? y1 : z) - (y > a ? y : a);
          if (cover > 0) keep = 1 - opacity * cover;
        }
        if (sa < lowEnd) {
          const cover = (y1 < lowEnd ? y1 : lowEnd) - (y > sa ? y : sa);
          if (cover > 0) keep *= 1 - sideAlpha * cover;
        }
        if (highStart < sz) {
          const cover = (y1 < sz ? y1 : sz) - (y > highStart ? y : highStart);
          if (cover > 0) keep *= 1 - sideAlpha * cover;
        }
        if (keep >= 1) continue;
        if (keep <= 0) {
          acc[i] = r;
          acc[i + 1] = g;
          acc[i + 2] = b;
          acc[i + 3] = 1;
          continue;
        }
        const s = 1 - keep;
        acc[i] = r * s + acc[i] * keep;
        acc[i + 1] = g * s + acc[i + 1] * keep;
        acc[i + 2] = b * s + acc[i + 2] * keep;
        acc[i + 3] = s + acc[i + 3] * keep;
      }
    }
  }

  /** Write columns [c0, c1] into an ImageData of the same size (straight alpha, 8 bit). */
  paint(image, c0 = 0, c1 = this.width - 1) {
    const out = image.data;
    const H = this.height;
    const W = this.width;
    const acc = this.acc;
    for (let c = c0; c <= c1; c++) {
      let i = c * H * 4;
      let o = c * 4;
      for (let y = 0; y < H; y++, i += 4, o += W * 4) {
        const a = acc[i + 3];
        if (a <= 0) {
          out[o + 3] = 0;
          continue;
        }
        const k = 255 / a;
        out[o] = acc[i] * k;
        out[o + 1] = acc[i + 1] * k;
        out[o + 2] = acc[i + 2] * k;
        out[o + 3] = a * 255;
      }
    }
  }
}
