import { HeadroomError } from '@headroom/errors';
import { evaluateCocoFiles, evaluatePose3dFiles, formatCocoStats, type CocoKeypointStats } from '@headroom/metrics';

const EVAL_TASKS = 'pose3d (--gt, --pred) or coco (--gt, --dt)';

/** `headroom eval pose3d|coco …` */
export function runEval(task: string | undefined, opts: { gt?: string; pred?: string; dt?: string; json?: boolean }): number {
  if (task === 'pose3d') return evalPose3d(opts);
  if (task === 'coco') return evalCoco(opts);
  throw new HeadroomError('INVALID_INPUT', `eval: unknown task ${task ?? '(none)'}; valid: ${EVAL_TASKS}`);
}

function evalPose3d(opts: { gt?: string; pred?: string; json?: boolean }): number {
  if (!opts.gt || !opts.pred) {
    throw new HeadroomError('INVALID_INPUT', 'eval pose3d needs --gt GT.json and --pred PRED.json (arrays [N][17][3] in mm)');
  }
  const r = evaluatePose3dFiles(opts.gt, opts.pred);
  if (opts.json) console.log(JSON.stringify({ mpjpe: r.mpjpe, pMpjpe: r.pMpjpe }));
  else console.log(`MPJPE ${r.mpjpe.toFixed(2)} mm · P-MPJPE ${r.pMpjpe.toFixed(2)} mm over ${r.frames} poses`);
  return 0;
}

/** The names COCO papers and pycocotools' summary use. */
export function cocoStatsJson(s: CocoKeypointStats) {
  return {
    AP: s.ap,
    AP50: s.ap50,
    AP75: s.ap75,
    APm: s.apMedium,
    APl: s.apLarge,
    AR: s.ar,
    AR50: s.ar50,
    AR75: s.ar75,
    ARm: s.arMedium,
    ARl: s.arLarge,
  };
}

function evalCoco(opts: { gt?: string; dt?: string; json?: boolean }): number {
  if (!opts.gt || !opts.dt) {
    throw new HeadroomError('INVALID_INPUT', 'eval coco needs --gt person_keypoints.json (COCO annotations) and --dt results.json (COCO results list)');
  }
  const stats = evaluateCocoFiles(opts.gt, opts.dt);
  console.log(opts.json ? JSON.stringify(cocoStatsJson(stats)) : formatCocoStats(stats));
  return 0;
}
