export { checkPcmFrame, FRAME_MS, frameSamples, MODEL_RATE, type PcmFrame } from './frames.ts';
export { DEFAULT_TARGETS, type DesignTargets, designFilter, type FilterSpec } from './kaiser-design.ts';
export {
  dbfs,
  FrameChunker,
  float32ToInt16,
  int16ToFloat32,
  mixInto,
  rms,
  samplesToMs,
} from './pcm.ts';
export { decodePcm16Base64, encodePcm16Base64 } from './pcm16-base64.ts';
export {
  createResampler,
  downmixToMono,
  type Resampler,
  type ResamplerOptions,
  upmixToStereo,
} from './resampler.ts';
