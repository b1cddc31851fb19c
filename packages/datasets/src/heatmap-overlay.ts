import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { HeadroomError } from '@headroom/errors';

/** 8-bit grey pixels, row-major. */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface HeatmapOverlayOptions {
  /** The image under the heat: a file sharp reads (the X-ray's PNG), or its grey pixels. */
  image: string | GreyImage;
  /** `[rows][cols]`, row-major, values in [0, 1] (a Grad-CAM map); stretched over the whole image. */
  heatmap: ArrayLike<number>;
  grid: readonly [rows: number, cols: number];
  /** The PNG written; its folder is created. */
  out: string;
  /** Longest side of the PNG; the image's own when smaller. Default 512 (ChestX-ray14's are 1024). */
  maxSize?: number;
  /** Weight of the colours against the X-ray, pytorch-grad-cam's `show_cam_on_image`: default 0.5. */
  alpha?: number;
}

export interface HeatmapOverlay {
  path: string;
  /** Size of the PNG file. */
  bytes: number;
  width: number;
  height: number;
}

export const HEATMAP_OVERLAY_MAX_SIZE = 512;

/**
 * Draws a heatmap over a grey image and writes it as a PNG, as pytorch-grad-cam shows a CAM:
 * the map upsampled bilinearly to the image (pixel centres aligned, edges clamped, like
 * `cv2.resize`), coloured with the jet map (blue 0 → red 1), blended
 * `alpha · colour + (1 − alpha) · grey`.
 */
export async function writeHeatmapOverlay(options: HeatmapOverlayOptions): Promise<HeatmapOverlay> {
  const { heatmap, grid, out } = options;
  const [rows, cols] = grid;
  const alpha = options.alpha ?? 0.5;
  const maxSize = options.maxSize ?? HEATMAP_OVERLAY_MAX_SIZE;
  const problems: string[] = [];
  if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(cols) || cols < 1)
    problems.push(`grid must be two positive integers, got [${rows}, ${cols}]`);
  else if (heatmap.length !== rows * cols)
    problems.push(
      `heatmap has ${heatmap.length} values; a ${rows}×${cols} grid needs ${rows * cols}`,
    );
  for (let i = 0; i < heatmap.length; i++) {
    const v = heatmap[i]!;
    if (!(v >= 0 && v <= 1)) {
      problems.push(`heatmap[${i}] is ${v}; values must be in [0, 1]`);
      break;
    }
  }
  if (!(alpha >= 0 && alpha <= 1)) problems.push(`alpha must be in [0, 1], got ${alpha}`);
  if (!Number.isSafeInteger(maxSize) || maxSize < 1)
    problems.push(`maxSize must be a positive integer, got ${maxSize}`);
  if (problems.length > 0)
    throw new HeadroomError('INVALID_INPUT', `heatmap overlay ${out}: ${problems.join('; ')}`);

  const grey = await readGrey(options.image, maxSize);
  const { width, height } = grey;
  const rgb = Buffer.alloc(width * height * 3);
  const heat = upsampleBilinear(heatmap, rows, cols, height, width);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = jet(heat[p]!);
    const v = grey.data[p]!;
    rgb[p * 3] = Math.round(alpha * r * 255 + (1 - alpha) * v);
    rgb[p * 3 + 1] = Math.round(alpha * g * 255 + (1 - alpha) * v);
    rgb[p * 3 + 2] = Math.round(alpha * b * 255 + (1 - alpha) * v);
  }
  await mkdir(dirname(out), { recursive: true });
  const info = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(out);
  return { path: out, bytes: info.size, width, height };
}

/** The image in grey, shrunk (aspect kept) so its longest side is at most `maxSize`. */
async function readGrey(image: string | GreyImage, maxSize: number): Promise<GreyImage> {
  const where = typeof image === 'string' ? image : 'the grey pixels given';
  try {
    const source =
      typeof image === 'string'
        ? sharp(image, { failOn: 'error' })
        : sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } });
    const { data, info } = await source
      .removeAlpha()
      .toColourspace('b-w')
      .resize({ width: maxSize, height: maxSize, fit: 'inside', withoutEnlargement: true })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1)
      throw new Error(`decoded to ${info.channels} channels instead of 1 grey`);
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw new HeadroomError(
      'DATA',
      `${where}: cannot read the image under the heatmap (${(err as Error).message})`,
    );
  }
}

/** `[rows][cols]` → `[height][width]`, sampling at pixel centres, edges clamped. */
function upsampleBilinear(
  map: ArrayLike<number>,
  rows: number,
  cols: number,
  height: number,
  width: number,
): Float32Array {
  const out = new Float32Array(height * width);
  const axis = (n: number, size: number, i: number): [number, number, number] => {
    const s = Math.min(n - 1, Math.max(0, ((i + 0.5) * n) / size - 0.5));
    const lo = Math.floor(s);
    return [lo, Math.min(n - 1, lo + 1), s - lo];
  };
  for (let y = 0; y < height; y++) {
    const [r0, r1, fy] = axis(rows, height, y);
    for (let x = 0; x < width; x++) {
      const [c0, c1, fx] = axis(cols, width, x);
      const top = map[r0 * cols + c0]! * (1 - fx) + map[r0 * cols + c1]! * fx;
      const bottom = map[r1 * cols + c0]! * (1 - fx) + map[r1 * cols + c1]! * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** The jet colour map, piecewise linear: 0 dark blue, 0.5 green-ish cyan/yellow, 1 dark red. */
function jet(v: number): [number, number, number] {
  const ramp = (centre: number) => Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - centre)));
  return [ramp(3), ramp(2), ramp(1)];
}
