import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { writeHeatmapOverlay } from './heatmap-overlay.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-overlay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function pixels(path: string) {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (y * info.width + x) * info.channels;
    return [data[i], data[i + 1], data[i + 2]];
  };
  return { info, at };
}

describe('writeHeatmapOverlay', () => {
  it('blends the jet colours of the upsampled map half and half with the grey X-ray', async () => {
    const xray = join(dir, 'xray.png');
    await sharp(Buffer.alloc(40 * 40, 128), { raw: { width: 40, height: 40, channels: 1 } })
      .png()
      .toFile(xray);
    const out = join(dir, 'gradcam', 'Effusion-xray.png');
    // Hot in the top-left patch, cold elsewhere.
    const written = await writeHeatmapOverlay({
      image: xray,
      heatmap: [1, 0, 0, 0],
      grid: [2, 2],
      out,
    });
    expect(written).toMatchObject({ path: out, width: 40, height: 40 });
    expect(written.bytes).toBe(statSync(out).size);
    expect(readFileSync(out).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const { info, at } = await pixels(out);
    expect([info.width, info.height, info.channels]).toEqual([40, 40, 3]);
    // jet(1) = (0.5, 0, 0), jet(0) = (0, 0, 0.5); 0.5 · 255 · colour + 0.5 · 128.
    expect(at(0, 0)).toEqual([128, 64, 64]);
    expect(at(39, 39)).toEqual([64, 64, 128]);
    expect(at(39, 0)).toEqual([64, 64, 128]);
    // Bilinear between the patch centres (pixels 9.5 and 29.5): at pixel (20, 20) the map is
    // 0.475² ≈ 0.23, and jet(0.23) ≈ (0, 0.4, 1): blue over green over red.
    const [r, g, b] = at(20, 20) as [number, number, number];
    expect(b).toBeGreaterThan(g);
    expect(g).toBeGreaterThan(r);
  });

  it('takes decoded grey pixels and shrinks large images to maxSize, keeping the aspect', async () => {
    const out = join(dir, 'raw.png');
    const written = await writeHeatmapOverlay({
      image: { data: new Uint8Array(200 * 100).fill(0), width: 200, height: 100 },
      heatmap: new Float32Array(4).fill(1),
      grid: [2, 2],
      out,
      maxSize: 64,
      alpha: 1,
    });
    expect([written.width, written.height]).toEqual([64, 32]);
    const { at } = await pixels(out);
    expect(at(5, 5)).toEqual([128, 0, 0]);
  });

  it('names what is wrong with the map and the image', async () => {
    const out = join(dir, 'bad.png');
    const image = { data: new Uint8Array(4), width: 2, height: 2 };
    await expect(
      writeHeatmapOverlay({ image, heatmap: [0, 1, 0], grid: [2, 2], out }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('heatmap has 3 values; a 2×2 grid needs 4'),
    });
    await expect(
      writeHeatmapOverlay({ image, heatmap: [0, 1, NaN, 0], grid: [2, 2], out }),
    ).rejects.toMatchObject({ message: expect.stringContaining('heatmap[2] is NaN') });
    await expect(
      writeHeatmapOverlay({ image: join(dir, 'missing.png'), heatmap: [0], grid: [1, 1], out }),
    ).rejects.toMatchObject({ code: 'DATA', message: expect.stringContaining('missing.png') });
  });
});
