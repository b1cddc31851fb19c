import type { CocoKeypointStats } from './coco-types.js';

const LINES: ReadonlyArray<
  readonly [keyof CocoKeypointStats, 'ap' | 'ar', iou: string, area: string]
> = [
  ['ap', 'ap', '0.50:0.95', 'all'],
  ['ap50', 'ap', '0.50', 'all'],
  ['ap75', 'ap', '0.75', 'all'],
  ['apm', 'ap', '0.50:0.95', 'medium'],
  ['apl', 'ap', '0.50:0.95', 'large'],
  ['ar', 'ar', '0.50:0.95', 'all'],
  ['ar50', 'ar', '0.50', 'all'],
  ['ar75', 'ar', '0.75', 'all'],
  ['arm', 'ar', '0.50:0.95', 'medium'],
  ['arl', 'ar', '0.50:0.95', 'large'],
];

/**
 * The ten lines pycocotools' `summarize()` prints for keypoints, character for
 * character (its format is `' {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}'`),
 * so logs and papers' tables can be compared by eye:
 *
 *     Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = 0.726
 */
export function formatCocoStats(stats: CocoKeypointStats): string {
  return LINES.map(([key, kind, iou, area]) => {
    const title = kind === 'ap' ? 'Average Precision' : 'Average Recall';
    const type = kind === 'ap' ? '(AP)' : '(AR)';
    return ` ${title.padEnd(18)} ${type} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${'20'.padStart(3)} ] = ${formatFixed3(stats[key])}`;
  }).join('\n');
}

/**
 * Python's `'{:0.3f}'`: the exact binary value rounded half to even. `toFixed` rounds
 * exact halves up instead; a double lies exactly halfway between two 3-decimal
 * numbers only when it is an odd multiple of 1/16 (0.0625, 0.1875, …), which COCO
 * means can be (a recall of 1/16), so those are rounded here.
 */
export function formatFixed3(x: number): string {
  const sixteenths = x * 16; // exact: a power-of-two scale
  if (Number.isInteger(sixteenths) && sixteenths % 2 !== 0) {
    const thousandths = x * 1000; // exact too: odd/16 · 1000 = odd · 62.5
    const down = Math.floor(thousandths);
    const n = down % 2 === 0 ? down : down + 1;
    return (n / 1000).toFixed(3);
  }
  return x.toFixed(3);
}
