export {
  H36M_BONE_LENGTHS,
  H36M_FPS,
  H36M_JOINT_NAMES,
  H36M_JOINTS,
  H36M_JOINTS_LEFT,
  H36M_JOINTS_RIGHT,
  H36M_PARENTS,
  type H36MJointName,
} from './h36m-skeleton.js';
export {
  H36M_CAMERAS_EXTRINSIC_PARAMS,
  H36M_CAMERAS_INTRINSIC_PARAMS,
  H36M_SUBJECTS,
  cameraToWorld,
  getH36MCameras,
  imageCoordinates,
  lookAtOrientation,
  normalizeScreenCoordinates,
  projectToScreen,
  quaternionToMatrix,
  worldToCamera,
  type H36MCamera,
  type H36MCameraExtrinsics,
  type H36MCameraIntrinsics,
} from './h36m-cameras.js';
export {
  H36M_ACTIONS,
  H36M_TEST_SUBJECTS,
  H36M_TRAIN_SUBJECTS,
  SYNTHETIC_CAPTURE_RADIUS,
  SYNTHETIC_FRAMES_PER_ACTION,
  generateSyntheticH36M,
  type H36MAction,
  type H36MDataset,
  type H36MSubject,
  type SyntheticH36MOptions,
} from './synthetic-h36m.js';
export {
  POSE3D_INPUT_SIZE,
  POSE3D_TARGET_SIZE,
  buildPose3dSamples,
  type Pose3dSamples,
} from './pose3d-samples.js';
export { BatchSampler, iterateBatches, type Batch, type BatchOptions } from './batches.js';
