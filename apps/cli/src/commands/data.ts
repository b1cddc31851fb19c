import { resolve } from 'node:path';
import { synthesizeCoco } from '@headroom/datasets';
import { HeadroomError } from '@headroom/errors';

function positiveInt(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new HeadroomError(
      'INVALID_INPUT',
      `--${name} must be an integer ≥ 0, got ${value ?? '(nothing)'}`,
    );
  return n;
}

/** `headroom data synth coco --out DIR --images N --seed S [--width W --height H]` */
export async function runDataSynth(
  kind: string | undefined,
  opts: { out?: string; images?: string; seed?: string; width?: string; height?: string },
): Promise<number> {
  if (kind !== 'coco')
    throw new HeadroomError(
      'INVALID_INPUT',
      `data synth: unknown kind ${kind ?? '(none)'}; valid: coco`,
    );
  if (!opts.out) throw new HeadroomError('INVALID_INPUT', 'data synth coco needs --out DIR');
  const images = positiveInt('images', opts.images);
  if (images < 1) throw new HeadroomError('INVALID_INPUT', '--images must be at least 1');
  const t0 = Date.now();
  const set = await synthesizeCoco({
    outDir: resolve(opts.out),
    images,
    seed: positiveInt('seed', opts.seed, 1),
    width: opts.width ? positiveInt('width', opts.width) : undefined,
    height: opts.height ? positiveInt('height', opts.height) : undefined,
  });
  for (const [split, s] of [
    ['train', set.train],
    ['val', set.val],
  ] as const) {
    console.log(`${split}: ${s.images} images, ${s.people} people → ${s.annotationFile}`);
  }
  console.log(`wrote ${set.root} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}
