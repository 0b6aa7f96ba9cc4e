// RFC 6716 §3.4: the rules a well-formed Opus packet satisfies, written from the RFC (not from
// libopus) so a fuzz test can say independently which injected payloads a decoder must refuse.

/** Longest audio one Opus packet may carry (RFC 6716 §3.2.5). */
const MAX_PACKET_MS = 120;
/** Longest frame (RFC 6716 §3.2.1: a frame length code cannot express more). */
const MAX_FRAME_BYTES = 1275;

/** Frame duration in ms for a TOC byte's configuration number (RFC 6716 §3.1, Table 2). */
export function opusFrameMs(toc: number): number {
  const config = toc >> 3;
  if (config < 12) return [10, 20, 40, 60][config & 3] as number; // SILK-only
  if (config < 16) return (config & 1) === 0 ? 10 : 20; // hybrid
  return [2.5, 5, 10, 20][config & 3] as number; // CELT-only
}

/** Reads a frame length (RFC 6716 §3.2.1) at `at`; undefined when the bytes run out. */
function frameLength(p: Uint8Array, at: number): { len: number; size: number } | undefined {
  const b0 = p[at];
  if (b0 === undefined) return undefined;
  if (b0 < 252) return { len: b0, size: 1 };
  const b1 = p[at + 1];
  if (b1 === undefined) return undefined;
  return { len: b1 * 4 + b0, size: 2 };
}

/**
 * Which RFC 6716 §3.4 requirement (R1–R7) `packet` breaks, with a short reason; undefined when
 * it is a well-formed Opus packet.
 */
export function opusPacketProblem(packet: Uint8Array): string | undefined {
  const n = packet.length;
  const toc = packet[0];
  if (toc === undefined) return 'R1: empty packet';
  const code = toc & 3;
  if (code === 0) return n - 1 > MAX_FRAME_BYTES ? 'R2: code 0 frame longer than 1275 bytes' : undefined;
  if (code === 1) {
    if ((n - 1) % 2 !== 0) return 'R3: code 1 with an odd payload length';
    return (n - 1) / 2 > MAX_FRAME_BYTES ? 'R2: code 1 frames longer than 1275 bytes' : undefined;
  }
  if (code === 2) {
    const first = frameLength(packet, 1);
    if (!first) return 'R4: code 2 without a complete first frame length';
    const rest = n - 1 - first.size;
    if (first.len > rest) return 'R4: code 2 first frame longer than the packet';
    return rest - first.len > MAX_FRAME_BYTES ? 'R2: code 2 second frame longer than 1275 bytes' : undefined;
  }
  return code3Problem(packet, opusFrameMs(toc));
}

function code3Problem(packet: Uint8Array, frameMs: number): string | undefined {
  const n = packet.length;
  const header = packet[1];
  if (header === undefined) return 'R6: code 3 without a frame count byte';
  const vbr = (header & 0x80) !== 0;
  const padded = (header & 0x40) !== 0;
  const m = header & 0x3f;
  if (m === 0) return 'R5: code 3 with zero frames';
  if (m * frameMs > MAX_PACKET_MS) return 'R5: code 3 with more than 120 ms of audio';
  let at = 2;
  let padding = 0; // trailing padding bytes (the length bytes are counted through `at`)
  if (padded) {
    for (;;) {
      const b = packet[at++];
      if (b === undefined) return 'R6/R7: code 3 padding length runs past the packet';
      padding += b === 255 ? 254 : b;
      if (b !== 255) break;
    }
  }
  if (!vbr) {
    const body = n - at - padding;
    if (body < 0) return 'R6: code 3 CBR padding longer than the packet';
    if (body % m !== 0) return 'R6: code 3 CBR payload not a multiple of the frame count';
    return body / m > MAX_FRAME_BYTES ? 'R2: code 3 CBR frames longer than 1275 bytes' : undefined;
  }
  let framesBytes = 0;
  for (let i = 0; i < m - 1; i++) {
    const f = frameLength(packet, at);
    if (!f) return 'R7: code 3 VBR frame lengths run past the packet';
    at += f.size;
    framesBytes += f.len;
  }
  const last = n - at - padding - framesBytes;
  if (last < 0) return 'R7: code 3 VBR frames and padding longer than the packet';
  return last > MAX_FRAME_BYTES ? 'R2: code 3 VBR last frame longer than 1275 bytes' : undefined;
}
