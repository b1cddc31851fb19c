/**
 * A tiny rasteriser for the synthetic COCO images: hard-edged discs, capsules
 * (thick line segments with round caps), convex polygons and rectangles on an RGB
 * buffer. Besides colour, every pixel records who painted it last (`owner`) — that
 * is how a keypoint's visibility is decided — and a shape can also mark its pixels
 * in a per-person mask regardless of what covers them later (the amodal extent that
 * gives the person's box and area). Pixel (i, j) has its centre at (i, j), the
 * convention of the keypoints and of the crop transforms.
 */

export type Rgb = readonly [number, number, number];

export interface Paint {
  colour: Rgb;
  /** Written to `owner` (≥ 0 a person, < 0 anything else). */
  owner: number;
  /** Pixels painted are set to 1 here. */
  mask?: Uint8Array;
}

export class Canvas {
  readonly rgb: Uint8Array;
  readonly owner: Int32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgb = new Uint8Array(width * height * 3);
    this.owner = new Int32Array(width * height).fill(-1);
  }

  setPixel(p: number, colour: Rgb): void {
    this.rgb[p * 3] = colour[0];
    this.rgb[p * 3 + 1] = colour[1];
    this.rgb[p * 3 + 2] = colour[2];
  }

  /** Paints the pixels of the box [x0, x1] × [y0, y1] (clipped) for which `inside(x, y)` holds. */
  private fill(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    paint: Paint,
    inside: (x: number, y: number) => boolean,
  ): void {
    const xa = Math.max(0, Math.ceil(x0));
    const ya = Math.max(0, Math.ceil(y0));
    const xb = Math.min(this.width - 1, Math.floor(x1));
    const yb = Math.min(this.height - 1, Math.floor(y1));
    for (let y = ya; y <= yb; y++) {
      for (let x = xa; x <= xb; x++) {
        if (!inside(x, y)) continue;
        const p = y * this.width + x;
        this.setPixel(p, paint.colour);
        this.owner[p] = paint.owner;
        if (paint.mask) paint.mask[p] = 1;
      }
    }
  }

  disc(cx: number, cy: number, r: number, paint: Paint): void {
    const r2 = r * r;
    this.fill(cx - r, cy - r, cx + r, cy + r, paint, (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r2);
  }

  /** Points within `r` of the segment a–b. */
  capsule(ax: number, ay: number, bx: number, by: number, r: number, paint: Paint): void {
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const r2 = r * r;
    this.fill(
      Math.min(ax, bx) - r,
      Math.min(ay, by) - r,
      Math.max(ax, bx) + r,
      Math.max(ay, by) + r,
      paint,
      (x, y) => {
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
        return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= r2;
      },
    );
  }

  /** A convex polygon, vertices in either winding order. */
  convexPolygon(points: readonly (readonly [number, number])[], paint: Paint): void {
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const n = points.length;
    this.fill(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), paint, (x, y) => {
      let sign = 0;
      for (let i = 0; i < n; i++) {
        const [px, py] = points[i] as readonly [number, number];
        const [qx, qy] = points[(i + 1) % n] as readonly [number, number];
        const cross = (qx - px) * (y - py) - (qy - py) * (x - px);
        if (cross === 0) continue;
        if (sign === 0) sign = Math.sign(cross);
        else if (Math.sign(cross) !== sign) return false;
      }
      return true;
    });
  }

  /** Axis-aligned rectangle; `shade` may vary the colour per pixel (texture). */
  rect(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    paint: Paint,
    shade?: (x: number, y: number) => Rgb,
  ): void {
    if (!shade) return this.fill(x0, y0, x1, y1, paint, () => true);
    const xa = Math.max(0, Math.ceil(x0));
    const ya = Math.max(0, Math.ceil(y0));
    const xb = Math.min(this.width - 1, Math.floor(x1));
    const yb = Math.min(this.height - 1, Math.floor(y1));
    for (let y = ya; y <= yb; y++) {
      for (let x = xa; x <= xb; x++) {
        const p = y * this.width + x;
        this.setPixel(p, shade(x, y));
        this.owner[p] = paint.owner;
        if (paint.mask) paint.mask[p] = 1;
      }
    }
  }
}

/** Tight box [x, y, w, h] and pixel count of a mask, as pycocotools' `toBbox` / `area` of a mask. */
export function maskBoxAndArea(
  mask: Uint8Array,
  width: number,
): { bbox: [number, number, number, number]; area: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let area = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    area++;
    const x = p % width;
    const y = (p - x) / width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (area === 0) return { bbox: [0, 0, 0, 0], area: 0 };
  return { bbox: [x0, y0, x1 - x0 + 1, y1 - y0 + 1], area };
}

/**
 * COCO's uncompressed RLE of a mask (`{counts, size: [h, w]}`): run lengths over
 * the pixels in column-major order, starting with a run of zeros.
 */
export function maskToRle(
  mask: Uint8Array,
  width: number,
  height: number,
): { counts: number[]; size: [number, number] } {
  const counts: number[] = [];
  let current = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = mask[y * width + x] === 0 ? 0 : 1;
      if (v !== current) {
        counts.push(run);
        run = 0;
        current = v;
      }
      run++;
    }
  }
  counts.push(run);
  return { counts, size: [height, width] };
}
