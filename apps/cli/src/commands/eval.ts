import { HeadroomError } from '@headroom/errors';
import { evaluatePose3dFiles } from '@headroom/metrics';

/** `headroom eval pose3d --gt GT.json --pred PRED.json [--json]` */
export function runEval(task: string | undefined, opts: { gt?: string; pred?: string; json?: boolean }): number {
  if (task !== 'pose3d') {
    throw new HeadroomError('INVALID_INPUT', `eval: unknown task ${task ?? '(none)'}; valid: pose3d`);
  }
  if (!opts.gt || !opts.pred) {
    throw new HeadroomError('INVALID_INPUT', 'eval pose3d needs --gt GT.json and --pred PRED.json (arrays [N][17][3] in mm)');
  }
  const r = evaluatePose3dFiles(opts.gt, opts.pred);
  if (opts.json) console.log(JSON.stringify({ mpjpe: r.mpjpe, pMpjpe: r.pMpjpe }));
  else console.log(`MPJPE ${r.mpjpe.toFixed(2)} mm · P-MPJPE ${r.pMpjpe.toFixed(2)} mm over ${r.frames} poses`);
  return 0;
}
