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
  SYNTHETIC_CAMERAS_EXTRINSIC_PARAMS,
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
  h36mActionName,
  type Pose3dSamples,
  type Pose3dSource,
} from './pose3d-samples.js';
export {
  H36M_3D_FILE,
  H36M_DEFAULT_KEYPOINTS,
  h36m2dFile,
  readH36mNpzDataset,
  type ReadH36mNpzOptions,
} from './h36m-npz-dataset.js';
export { createRng, type Rng } from './prng.js';
export { BatchSampler, iterateBatches, type Batch, type BatchOptions } from './batches.js';
export {
  COCO_FLIP_PAIRS,
  COCO_KEYPOINT_NAMES,
  COCO_KEYPOINTS,
  COCO_PERSON_CATEGORY_ID,
  COCO_SKELETON,
  COCO_SKELETON_ONE_BASED,
  COCO_UPPER_BODY_JOINTS,
  type CocoKeypointName,
} from './coco-skeleton.js';
export {
  BOX_PADDING,
  IMAGENET_MEAN,
  IMAGENET_STD,
  PIXEL_STD,
  applyAffine,
  boxToCenterScale,
  composeAffine,
  cropToImage,
  flipJoints,
  generateHeatmapTargets,
  getAffineTransform,
  invertAffine,
  warpAffineBilinear,
  type Affine,
  type Point2,
  type RawImage,
  type Size,
} from './coco-transforms.js';
export {
  parseCocoDetections,
  parseCocoKeypointFile,
  readCocoDetections,
  readCocoKeypointFile,
  type CocoDetection,
  type CocoImage,
  type CocoKeypointFile,
  type CocoPersonAnnotation,
} from './coco-annotations.js';
export {
  COCO_DEFAULT_INPUT_SIZE,
  COCO_HEATMAP_STRIDE,
  CocoKeypointsDataset,
  HRNET_COCO_AUGMENTATION,
  openCocoKeypoints,
  type CocoAugmentation,
  type CocoCrop,
  type CocoCropParams,
  type CocoCropTarget,
  type CocoPersonSample,
  type CocoSampleMeta,
  type CocoSplit,
  type OpenCocoKeypointsOptions,
} from './coco-dataset.js';
export {
  CocoBatchStream,
  streamCocoBatches,
  type CocoBatch,
  type CocoBatchOptions,
} from './coco-batches.js';
export {
  SYNTHETIC_COCO_DEFAULT_IMAGES,
  SYNTHETIC_COCO_DEFAULT_SEED,
  findCocoSplit,
  materializeSyntheticCoco,
  type CocoSplitFiles,
  type MaterializeSyntheticCocoOptions,
} from './coco-folder.js';
export {
  cocoFileName,
  renderSyntheticCocoImage,
  synthesizeCoco,
  type SynthesizeCocoOptions,
  type SyntheticCocoImage,
  type SyntheticCocoPaths,
  type SyntheticCocoSplit,
} from './synthetic-coco.js';
export {
  H36M_CAMERA_COUNT,
  H36M_FULL_JOINTS,
  H36M_KEPT_JOINTS,
  keepH36mJoints,
  readH36mPositions2d,
  readH36mPositions3d,
  type H36mKeypointsMetadata,
  type H36mPositions2d,
  type PoseArray,
  type PosesBySubject,
} from './h36m-npz.js';
export { writeH36mPositions2d, writeH36mPositions3d } from './h36m-npz-write.js';
export {
  SYNTHETIC_H36M_DEFAULT_SEED,
  materializeSyntheticH36m,
  writeSyntheticH36mNpz,
  type MaterializeSyntheticH36mOptions,
  type WriteSyntheticH36mNpzOptions,
} from './synthetic-h36m-npz.js';
export {
  summarizeChestXray14Folder,
  summarizeCocoFolder,
  summarizeH36mFolder,
  type ChestXray14FolderSummary,
  type CocoFolderSummary,
  type CocoSplitSummary,
  type H36mFolderSummary,
} from './data-check.js';
export {
  CHESTXRAY14_CSV,
  CHESTXRAY14_DEFAULT_VAL_FRACTION,
  CHESTXRAY14_IMAGE_DIR,
  CHESTXRAY14_NO_FINDING,
  CHESTXRAY14_SPLITS,
  CHESTXRAY14_TEST_LIST,
  CHESTXRAY14_TRAIN_VAL_LIST,
  openChestXray14,
  type ChestSplit,
  type ChestSplitName,
  type ChestXray14Dataset,
  type OpenChestXray14Options,
} from './chestxray14.js';
export {
  CHEST_AUGMENTATION,
  CHEST_PIXEL_MEAN,
  CHEST_PIXEL_STD,
  ChestBatchStream,
  streamChestBatches,
  type ChestBatch,
  type ChestBatchOptions,
} from './chestxray14-batches.js';
export {
  SYNTHETIC_CHESTXRAY14_DEFAULT_IMAGES,
  SYNTHETIC_CHESTXRAY14_DEFAULT_SEED,
  SYNTHETIC_CHESTXRAY14_DEFAULT_SIZE,
  materializeSyntheticChestXray14,
  synthesizeChestXray14,
  type MaterializeSyntheticChestXray14Options,
  type SynthesizeChestXray14Options,
  type SyntheticChestXray14Summary,
} from './synthetic-chestxray14.js';
export {
  HEATMAP_OVERLAY_MAX_SIZE,
  writeHeatmapOverlay,
  type GreyImage,
  type HeatmapOverlay,
  type HeatmapOverlayOptions,
} from './heatmap-overlay.js';
