import { HeadroomError } from '@headroom/errors';
import {
  COCO_KEYPOINT_STAT_KEYS,
  evaluateAucFiles,
  evaluateCocoFiles,
  evaluatePose3dFiles,
  formatCocoStats,
} from '@headroom/metrics';
import type { MetricName } from '@headroom/sweep';

const EVAL_TASKS = 'pose3d (--gt, --pred), coco (--gt, --dt) or auc (--labels, --scores)';

/** `headroom eval pose3d|coco|auc …` */
export function runEval(
  task: string | undefined,
  opts: {
    gt?: string;
    pred?: string;
    dt?: string;
    labels?: string;
    scores?: string;
    classes?: string;
    json?: boolean;
  },
): number {
  if (task === 'pose3d') return evalPose3d(opts);
  if (task === 'coco') return evalCoco(opts);
  if (task === 'auc') return evalAuc(opts);
  throw new HeadroomError(
    'INVALID_INPUT',
    `eval: unknown task ${task ?? '(none)'}; valid: ${EVAL_TASKS}`,
  );
}

function evalPose3d(opts: { gt?: string; pred?: string; json?: boolean }): number {
  if (!opts.gt || !opts.pred) {
    throw new HeadroomError(
      'INVALID_INPUT',
      'eval pose3d needs --gt GT.json and --pred PRED.json (arrays [N][17][3] in mm)',
    );
  }
  const { mpjpe, p_mpjpe, frames } = evaluatePose3dFiles(opts.gt, opts.pred);
  // --json prints the pose3d task's metric names, as sweeps, the API and the database use them.
  const metrics: Record<MetricName<'pose3d'>, number> = { mpjpe, p_mpjpe };
  if (opts.json) console.log(JSON.stringify(metrics));
  else
    console.log(
      `MPJPE ${mpjpe.toFixed(2)} mm · P-MPJPE ${p_mpjpe.toFixed(2)} mm over ${frames} poses`,
    );
  return 0;
}

function evalCoco(opts: { gt?: string; dt?: string; json?: boolean }): number {
  if (!opts.gt || !opts.dt) {
    throw new HeadroomError(
      'INVALID_INPUT',
      'eval coco needs --gt person_keypoints.json (COCO annotations) and --dt results.json (COCO results list)',
    );
  }
  const stats = evaluateCocoFiles(opts.gt, opts.dt);
  if (opts.json) {
    // The pose2d task's metric names (ap … arl) in pycocotools' order; the table keeps the paper labels.
    const metrics: Record<MetricName<'pose2d'>, number> = stats;
    console.log(
      JSON.stringify(Object.fromEntries(COCO_KEYPOINT_STAT_KEYS.map((k) => [k, metrics[k]]))),
    );
  } else console.log(formatCocoStats(stats));
  return 0;
}

function evalAuc(opts: {
  labels?: string;
  scores?: string;
  classes?: string;
  json?: boolean;
}): number {
  if (!opts.labels || !opts.scores) {
    throw new HeadroomError(
      'INVALID_INPUT',
      'eval auc needs --labels LABELS.json (0/1, [N][C]) and --scores SCORES.json (numbers, [N][C])',
    );
  }
  const classes = opts.classes?.split(',').map((name) => name.trim());
  if (classes?.some((name) => name === '')) {
    const message = `${JSON.stringify(opts.classes)} has an empty name; give one name per column, e.g. --classes Atelectasis,Cardiomegaly`;
    throw new HeadroomError('INVALID_INPUT', `--classes: ${message}`, [
      { path: '--classes', message },
    ]);
  }
  const { perClass, mean } = evaluateAucFiles(opts.labels, opts.scores, classes);
  if (opts.json) {
    console.log(JSON.stringify(classes ? { classes, perClass, mean } : { perClass, mean }));
    return 0;
  }
  const names = classes ?? perClass.map((_, j) => `class ${j}`);
  const width = Math.max(...names.map((name) => name.length), 'mean'.length);
  const value = (auc: number | null) => (auc === null ? '—  (labels all equal)' : auc.toFixed(4));
  const counted = perClass.filter((auc) => auc !== null).length;
  console.log(
    [
      `${'class'.padEnd(width)}  ROC AUC`,
      ...perClass.map((auc, j) => `${names[j]!.padEnd(width)}  ${value(auc)}`),
      `${'mean'.padEnd(width)}  ${mean === null ? '—  (no class has an AUC)' : `${mean.toFixed(4)}  (${counted} of ${perClass.length} classes)`}`,
    ].join('\n'),
  );
  return 0;
}
