// The vocabulary of voice fuzzing: what kinds of datagram a plan holds, and what an RTP/Opus
// receiver that follows the RFCs does with each (see voice-fuzz.ts for the generator).
import type { EncryptionMode } from '../crypto/transport-crypto.ts';
import type { RtpSenderState } from '../users/speaker.ts';

/** What one fuzz datagram is. */
export const FUZZ_KINDS = [
  // Sealed with the session key, from the user's SSRC: the receiver hands the Opus payload on.
  'speech', // a real Opus frame
  'corrupt-opus', // a payload RFC 6716 §3.4 forbids (code 3 with no frames, odd code 1, ...)
  'random-opus', // random bytes as the payload (RFC 6716 decides whether it is legal)
  'truncated-opus', // a real frame cut short, down to 0 bytes
  'padded', // a real frame with 1–255 bytes of RTP padding (P bit)
  'extension', // a real frame behind a 1–8 word 0xBEDE header extension (X bit)
  'ext-lookalike', // no extension (X clear), but the ciphertext happens to start 0xBE 0xDE
  // From the user's SSRC but failing authentication: the receiver cannot open them.
  'wrong-key',
  'wrong-nonce', // the 4-byte nonce suffix rewritten after sealing
  'tampered', // one ciphertext or tag byte flipped
  'truncated-rtp', // a sealed packet cut short (12 bytes or more)
  // From the user's SSRC, not Opus RTP: RTP version ≠ 2 or payload type ≠ 0x78 (e.g. RTCP).
  'bad-header',
  // Not the user at all.
  'unknown-ssrc', // a well-sealed packet from an SSRC no op 5 announced
  'garbage', // random bytes, 12–1400 long, whose SSRC field is nobody's
  'runt', // 0–11 bytes: too short to carry an RTP header
] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/** What an RTP/Opus receiver that follows the RFCs does with a datagram. */
export type FuzzFate =
  /** Opened; its Opus payload goes to the speaker's decoder. */
  | 'delivered'
  /** Fails authentication (AEAD): never decoded. */
  | 'rejected'
  /** The user's SSRC, but not Opus RTP: dropped before decryption. */
  | 'filtered'
  /** Nobody's: dropped without touching any speaker. */
  | 'ignored';

export const FUZZ_FATES: Record<FuzzKind, FuzzFate> = {
  speech: 'delivered',
  'corrupt-opus': 'delivered',
  'random-opus': 'delivered',
  'truncated-opus': 'delivered',
  padded: 'delivered',
  extension: 'delivered',
  'ext-lookalike': 'delivered',
  'wrong-key': 'rejected',
  'wrong-nonce': 'rejected',
  tampered: 'rejected',
  'truncated-rtp': 'rejected',
  'bad-header': 'filtered',
  'unknown-ssrc': 'ignored',
  garbage: 'ignored',
  runt: 'ignored',
};

export interface FuzzDatagram {
  kind: FuzzKind;
  fate: FuzzFate;
  bytes: Uint8Array;
  /** Delivered datagrams: the Opus payload inside (padding and extension removed). */
  opus?: Uint8Array | undefined;
  /** Delivered datagrams: the RFC 6716 rule the Opus payload breaks, if any (a decoder must refuse it). */
  opusProblem?: string | undefined;
}

/** One burst: first everything a live receive stream should survive, then the packets that fail authentication. */
export interface FuzzRound {
  /** Delivered, filtered and ignored datagrams, shuffled. */
  survivable: FuzzDatagram[];
  /** Rejected (at least one) and ignored datagrams, shuffled. */
  hostile: FuzzDatagram[];
}

export interface VoiceFuzzOptions {
  /** Datagrams in all, exactly. */
  packets: number;
  seed: number;
  /** Bursts; the sim pauses between them so a receiver can pick the speaker up again (default 10). */
  rounds?: number | undefined;
  /** Share of each round in its hostile tail (default 0.06). */
  hostileShare?: number | undefined;
}

/** Key material and counters of the user whose traffic is fuzzed. */
export interface FuzzContext {
  mode: EncryptionMode;
  key: Uint8Array;
  sender: RtpSenderState;
  /** SSRCs anyone in the session uses (the bot's, every simulated user's): garbage avoids them. */
  knownSsrcs: ReadonlySet<number>;
  /** Real Opus frames to build on (20 ms each). */
  frames: readonly Uint8Array[];
  nextCounter(): number;
  /**
   * End-to-end encryption of the user's frames in a DAVE call: delivered payloads are the user's
   * own (possibly corrupt) Opus, encrypted by its DAVE client, as a broken client would send them.
   */
  seal?: ((opus: Uint8Array) => Uint8Array) | undefined;
}
