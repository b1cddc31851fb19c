export { POSE3D_JOINTS, type PoseArray } from './pose-array.js';
export { mpjpe, makeRootRelative } from './mpjpe.js';
export { pMpjpe } from './p-mpjpe.js';
export {
  readPoseFile,
  evaluatePose3dFiles,
  type PoseFile,
  type Pose3dEvaluation,
} from './pose-file.js';
