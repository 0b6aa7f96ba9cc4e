export {
  DEFAULT_FLOOR,
  type FloorDecision,
  FloorPolicy,
  type FloorSettings,
  speakerLabel,
} from './floor-policy.ts';
