#!/usr/bin/env node
// Times COCO keypoint evaluation on a synthetic val2017-sized set (5,000 images,
// ~11,000 people) — ours (`evaluateCocoFiles`, and the in-memory evaluator) and
// pycocotools on the same two files in the same run — and checks the stats agree.
//
//   pnpm --filter @headroom/metrics build
//   node packages/metrics/bench/coco-eval.bench.mjs [--images 5000] [--fp 4] [--runs 3]
//
// pycocotools is optional (`pip install pycocotools numpy`); without it only our
// numbers are printed. Not a test: nothing here asserts a time.
// (console and process are imported because the lint config gives .mjs files no Node globals.)
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
// The built package (CommonJS). Adjust this one path if the script moves.
const metrics = createRequire(import.meta.url)(join(here, '..', 'dist', 'index.js'));
const { evaluateCocoFiles, evaluateCocoKeypoints, COCO_KEYPOINT_STAT_KEYS } = metrics;
// The seeded PRNG every test and bench shares (mulberry32, @headroom/datasets' generator).
const { createRng } = createRequire(import.meta.url)('@headroom/test-support');

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '5000' },
    fp: { type: 'string', default: '4' }, // mean false positives per image
    runs: { type: 'string', default: '3' },
    python: { type: 'string', default: 'python3' },
  },
});
const IMAGES = Number(args.images);
const FP_PER_IMAGE = Number(args.fp);
const RUNS = Number(args.runs);

const rand = createRng(20251126);
const uniform = (lo, hi) => lo + (hi - lo) * rand();
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const round2 = (x) => Math.round(x * 100) / 100;
/** Poisson-ish count with the given mean (sum of Bernoulli trials). */
const count = (mean, max) => {
  let n = 0;
  for (let i = 0; i < max; i++) if (rand() < mean / max) n++;
  return n;
};

// A standing person in a unit box, COCO keypoint order.
const TEMPLATE = [
  [0.5, 0.08],
  [0.47, 0.06],
  [0.53, 0.06],
  [0.44, 0.08],
  [0.56, 0.08],
  [0.38, 0.22],
  [0.62, 0.22],
  [0.32, 0.38],
  [0.68, 0.38],
  [0.3, 0.52],
  [0.7, 0.52],
  [0.42, 0.55],
  [0.58, 0.55],
  [0.41, 0.76],
  [0.59, 0.76],
  [0.4, 0.97],
  [0.6, 0.97],
];

function pose(cx, cy, height) {
  const width = height * uniform(0.4, 0.7);
  return TEMPLATE.map(([u, v]) => [
    cx + (u - 0.5 + 0.03 * normal()) * width,
    cy + (v - 0.5 + 0.03 * normal()) * height,
  ]);
}

function detection(imageId, xy, noise, score) {
  const keypoints = [];
  for (const [x, y] of xy)
    keypoints.push(round2(x + noise * normal()), round2(y + noise * normal()), round2(rand()));
  return { image_id: imageId, category_id: 1, keypoints, score };
}

function buildSet() {
  const images = [];
  const annotations = [];
  const results = [];
  for (let n = 0; n < IMAGES; n++) {
    const imageId = 100000 + n * 7; // sparse ids, like COCO's
    images.push({ id: imageId, width: 640, height: 480 });
    const people = count(2.2, 12); // 5,000 × 2.2 ≈ 11,000 people
    for (let p = 0; p < people; p++) {
      // Mostly small and medium people, some large, a few crowds.
      const height = Math.exp(uniform(Math.log(20), Math.log(460)));
      const xy = pose(uniform(0, 640), uniform(0, 480), height);
      const crowd = rand() < 0.01;
      const keypoints = [];
      let labelled = 0;
      for (const [x, y] of xy) {
        if (!crowd && rand() > 0.25) {
          keypoints.push(round2(x), round2(y), 2);
          labelled++;
        } else keypoints.push(0, 0, 0);
      }
      const xs = xy.map((q) => q[0]);
      const ys = xy.map((q) => q[1]);
      const bbox = [Math.min(...xs), Math.min(...ys), 0, 0];
      bbox[2] = Math.max(...xs) - bbox[0];
      bbox[3] = Math.max(...ys) - bbox[1];
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: 1,
        keypoints,
        num_keypoints: labelled,
        area: round2(bbox[2] * bbox[3] * 0.6),
        bbox: bbox.map(round2),
        iscrowd: crowd ? 1 : 0,
      });
      if (rand() < 0.9)
        results.push(detection(imageId, xy, uniform(0.3, 6) * (height / 200), round2(rand())));
    }
    const fps = count(FP_PER_IMAGE, 16);
    for (let f = 0; f < fps; f++) {
      const xy = pose(uniform(0, 640), uniform(0, 480), uniform(30, 300));
      results.push(detection(imageId, xy, 2, round2(rand() * 0.6)));
    }
  }
  return {
    gt: { images, annotations, categories: [{ id: 1, name: 'person' }] },
    dt: results,
  };
}

function time(fn) {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

const PYTHON = String.raw`
import contextlib, io, json, sys, time
t0 = time.perf_counter()
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
with contextlib.redirect_stdout(io.StringIO()):
    t1 = time.perf_counter()
    gt = COCO(sys.argv[1])
    dt = gt.loadRes(sys.argv[2])
    t2 = time.perf_counter()
    E = COCOeval(gt, dt, 'keypoints')
    E.evaluate()
    t3 = time.perf_counter()
    E.accumulate()
    E.summarize()
    t4 = time.perf_counter()
print(json.dumps({"load_ms": (t2 - t1) * 1e3, "evaluate_ms": (t3 - t2) * 1e3,
                  "accumulate_ms": (t4 - t3) * 1e3, "total_ms": (t4 - t1) * 1e3,
                  "stats": [float(s) for s in E.stats]}))
`;

const dir = mkdtempSync(join(tmpdir(), 'headroom-coco-bench-'));
try {
  const built = time(buildSet);
  const { gt, dt } = built.value;
  const gtPath = join(dir, 'gt.json');
  const dtPath = join(dir, 'dt.json');
  writeFileSync(gtPath, JSON.stringify(gt));
  writeFileSync(dtPath, JSON.stringify(dt));
  const mb = (p) => (statSync(p).size / 1e6).toFixed(1);
  console.log(
    `synthetic set: ${gt.images.length} images, ${gt.annotations.length} people, ${dt.length} detections ` +
      `(gt ${mb(gtPath)} MB, dt ${mb(dtPath)} MB); built in ${fmt(built.ms)}`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`,
  );

  const files = [];
  const memory = [];
  let ours;
  for (let r = 0; r < RUNS; r++) {
    const f = time(() => evaluateCocoFiles(gtPath, dtPath));
    files.push(f.ms);
    ours = f.value;
    memory.push(time(() => evaluateCocoKeypoints(gt, dt)).ms);
  }
  console.log(
    `ours, evaluateCocoFiles (read + parse + check + evaluate): median ${fmt(median(files))} of ${RUNS} (min ${fmt(Math.min(...files))})`,
  );
  console.log(
    `ours, evaluateCocoKeypoints (in memory: check + evaluate):   median ${fmt(median(memory))} of ${RUNS} (min ${fmt(Math.min(...memory))})`,
  );

  const py = spawnSync(args.python, ['-c', PYTHON, gtPath, dtPath], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (py.status !== 0) {
    console.log(
      `pycocotools: not run (${(py.stderr || py.error?.message || '').trim().split('\n').pop()})`,
    );
  } else {
    const ref = JSON.parse(py.stdout.trim().split('\n').pop());
    console.log(
      `pycocotools: ${fmt(ref.total_ms)} (load + loadRes ${fmt(ref.load_ms)}, evaluate ${fmt(ref.evaluate_ms)}, accumulate + summarize ${fmt(ref.accumulate_ms)})`,
    );
    const diffs = COCO_KEYPOINT_STAT_KEYS.map((k, i) => Math.abs(ours[k] - ref.stats[i]));
    console.log(
      `stats: AP ${ours.ap.toFixed(4)}, AR ${ours.ar.toFixed(4)}; largest difference from pycocotools ${Math.max(...diffs)}`,
    );
    console.log(
      `speed-up vs pycocotools (files, median): ${(ref.total_ms / median(files)).toFixed(1)}×`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
