export { OpusBackendError, type OpusBackendInfo, opusBackend } from './backend.ts';
export { bestLagSnr, checkOpusBackend } from './check.ts';
export {
  createOpusDecoder,
  createOpusEncoder,
  isSilenceFrame,
  type OpusDecoder,
  type OpusEncoder,
  type OpusSampleRate,
  SILENCE_FRAME,
} from './codec.ts';
