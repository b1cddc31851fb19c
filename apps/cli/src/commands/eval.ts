import { HeadroomError } from '@headroom/errors';
import {
  COCO_KEYPOINT_STAT_KEYS,
  evaluateCocoFiles,
  evaluatePose3dFiles,
  formatCocoStats,
} from '@headroom/metrics';
import type { MetricName } from '@headroom/sweep';

const EVAL_TASKS = 'pose3d (--gt, --pred) or coco (--gt, --dt)';

/** `headroom eval pose3d|coco …` */
export function runEval(
  task: string | undefined,
  opts: { gt?: string; pred?: string; dt?: string; json?: boolean },
): number {
  if (task === 'pose3d') return evalPose3d(opts);
  if (task === 'coco') return evalCoco(opts);
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
