export { POSE3D_JOINTS, type PoseArray } from './pose-array.js';
export { mpjpe, makeRootRelative } from './mpjpe.js';
export { pMpjpe } from './p-mpjpe.js';
export {
  readPoseFile,
  evaluatePose3dFiles,
  type PoseFile,
  type Pose3dEvaluation,
} from './pose-file.js';
export { evaluateCocoKeypoints } from './coco-eval.js';
export { evaluateCocoFiles } from './coco-file.js';
export { formatCocoStats } from './coco-format.js';
export { computeOks, COCO_KEYPOINT_SIGMAS, type OksGroundTruth } from './coco-oks.js';
export { oksIou, oksNms, OKS_NMS_THRESHOLD, type OksNmsCandidate } from './coco-oks-nms.js';
export {
  COCO_KEYPOINT_STAT_KEYS,
  type CocoKeypointAnnotation,
  type CocoKeypointResult,
  type CocoKeypointStats,
  type CocoKeypointsGroundTruth,
} from './coco-types.js';
export { rocAuc, rocAucPerClass, meanAuc } from './auc.js';
export { evaluateAucFiles, type AucEvaluation } from './auc-file.js';
