export { decodePcm16Base64, encodePcm16Base64 } from './pcm16-base64.ts';
