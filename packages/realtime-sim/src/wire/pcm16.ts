// PCM16 little-endian <-> base64, as the reference's `input_audio_format`/`output_audio_format: "pcm16"`
// describe it. The simulator keeps its own copy: it must not share code with the client it tests.

export function pcm16ToBase64(pcm: Int16Array): string {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
}

/** Decodes base64 PCM16; an odd trailing byte is dropped (callers reject odd lengths first). */
export function base64ToPcm16(b64: string): Int16Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

/** Why an append payload is not PCM16 base64, or undefined when it is. */
export function invalidAudioReason(audio: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(audio) || audio.length % 4 !== 0) {
    return 'audio must be base64-encoded 16-bit PCM (24 kHz mono); the payload is not valid base64';
  }
  const padding = audio.endsWith('==') ? 2 : audio.endsWith('=') ? 1 : 0;
  const bytes = (audio.length / 4) * 3 - padding;
  if (bytes % 2 !== 0) {
    return `audio must be 16-bit PCM: ${bytes} bytes is an odd length (each sample is 2 bytes)`;
  }
  return undefined;
}
