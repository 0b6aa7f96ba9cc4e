// Deterministic hostile server frames for the fuzz test. Each frame says which protocol problem
// it must cause in the client, so the test can account for every one of them.
import { type ProblemKind, serverEventFixtures } from '../src/index.ts';

export interface FuzzFrame {
  data: string | Uint8Array;
  kind: ProblemKind;
  eventType?: string;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Well-typed events with one field of the wrong type (or missing): each must fail validation. */
const WRONG_TYPES: Record<string, unknown>[] = [
  { type: 'response.audio.delta', response_id: 'r', item_id: 'i', delta: 123 },
  { type: 'response.audio.delta', response_id: null, item_id: 'i', delta: 'AAAA' },
  { type: 'response.audio.delta', response_id: 'r', delta: 'AAAA' },
  { type: 'response.audio_transcript.delta', response_id: 'r', item_id: 'i', delta: [] },
  { type: 'response.audio_transcript.done', response_id: 'r', item_id: 'i', transcript: 5 },
  { type: 'response.audio.done', response_id: 'r', item_id: {} },
  { type: 'response.done', response: 'x' },
  { type: 'response.done', response: { id: 7, status: 'completed' } },
  { type: 'response.created', response: { id: false } },
  { type: 'input_audio_buffer.speech_started', audio_start_ms: 'soon', item_id: 'i' },
  { type: 'input_audio_buffer.committed', item_id: 3 },
  { type: 'conversation.item.input_audio_transcription.completed', item_id: 'i', transcript: null },
  { type: 'error', error: 'boom' },
  { type: 'error', error: { message: 1 } },
  { type: 'session.created', session: { voice: 3 } },
  { type: 'conversation.item.truncated', item_id: 'i', audio_end_ms: 'x' },
  { type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', delta: false },
  { type: 'conversation.item.created', item: { id: 'i', type: 'nonsense' } },
  { type: 'rate_limits.updated', rate_limits: {} },
];

const NOT_OBJECTS = ['[1,2,3]', '"response.done"', '42', 'null', 'true', '[]', '[{"type":"response.done"}]'];
const NO_TYPE = ['{}', '{"type":5}', '{"type":""}', '{"type":null}', '{"x":1}', '{"type":["response.done"]}'];
const UNKNOWN_TYPES = Array.from({ length: 40 }, (_, i) => `vendor.fuzz.${i}`);
/**
 * Valid events to cut short or wrap. The types added for StepFun's dialect are left out so the seeded
 * corpus stays the one the README's reliability figures were measured on.
 */
const LATER_TYPES = new Set([
  'response.cancelled',
  'response.thinking.delta',
  'response.thinking.done',
  'session.restored',
]);
const FIXTURE_TEXT = Object.values(serverEventFixtures)
  .filter((e) => !LATER_TYPES.has(e.type))
  .map((e) => JSON.stringify(e));

export function fuzzFrames(seed: number, count: number, maxEventBytes: number): FuzzFrame[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  let ids = 0;
  const out: FuzzFrame[] = [];
  const text = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join('');

  const malformed = (): string => {
    switch (int(4)) {
      case 0: {
        const full = pick(FIXTURE_TEXT); // a frame cut short: an object prefix is never valid JSON
        return full.slice(0, 1 + int(full.length - 1));
      }
      case 1:
        return `\u0001${text(1 + int(60))}`; // a control character can start no JSON value
      case 2:
        return `${pick(FIXTURE_TEXT)}}${text(int(5))}`; // trailing garbage after a whole event
      default:
        return `{"type":"response.audio.delta","delta":"${text(int(40)).replace(/["\\]/g, '')}`; // unterminated
    }
  };

  const outOfOrder = (): FuzzFrame[] => {
    const r = `fz_resp_${++ids}`;
    const item = `fz_item_${ids}`;
    const ev = (e: Record<string, unknown>): FuzzFrame => ({
      data: JSON.stringify(e),
      kind: 'out_of_order',
      eventType: e.type as string,
    });
    const content = { response_id: r, item_id: item };
    switch (int(7)) {
      case 0:
        return [ev({ type: 'response.audio.delta', ...content, delta: 'AAAAAAAA' })];
      case 1:
        return [ev({ type: 'response.audio_transcript.delta', ...content, delta: `${text(8)} ` })];
      case 2:
        return [ev({ type: 'response.audio.done', ...content })];
      case 3:
        return [ev({ type: 'response.audio_transcript.done', ...content, transcript: text(20) })];
      case 4: // done before created, then the created, then audio for a reply that has ended
        return [
          ev({ type: 'response.done', response: { id: r, status: 'completed' } }),
          ev({ type: 'response.created', response: { id: r, status: 'in_progress' } }),
          ev({ type: 'response.audio.delta', ...content, delta: 'AAAA' }),
        ].slice(0, 1 + int(3));
      case 5:
        return [ev({ type: 'conversation.item.truncated', item_id: item, audio_end_ms: int(5000) })];
      default:
        return [ev({ type: 'session.created', session: { id: `fz_sess_${ids}` } })];
    }
  };

  while (out.length < count) {
    const roll = int(100);
    if (roll < 2) {
      // Deep nesting inside an otherwise invalid event: re-serialising it overflowed the stack.
      const depth = 2000 + int(18_000);
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const [type, data] =
        int(2) === 0
          ? ['response.done', `{"type":"response.done","response":{"id":7,"status_details":${deep}}}`]
          : [
              'response.audio.delta',
              `{"type":"response.audio.delta","response_id":"r","item_id":"i","delta":${deep}}`,
            ];
      out.push({ data, kind: 'schema', eventType: type });
    } else if (roll < 20) out.push({ data: malformed(), kind: 'malformed_json' });
    else if (roll < 25) out.push({ data: pick(NOT_OBJECTS), kind: 'not_an_object' });
    else if (roll < 30) out.push({ data: pick(NO_TYPE), kind: 'no_type' });
    else if (roll < 48) {
      const e = pick(WRONG_TYPES);
      const extra = int(2) === 0 ? {} : { [`x_${int(9)}`]: text(5) }; // unknown fields change nothing
      out.push({ data: JSON.stringify({ ...e, ...extra }), kind: 'schema', eventType: e.type as string });
    } else if (roll < 60) {
      const type = pick(UNKNOWN_TYPES);
      out.push({
        data: JSON.stringify({ type, payload: text(int(30)) }),
        kind: 'unknown_event_type',
        eventType: type,
      });
    } else if (roll < 61) {
      // Never parsed: the client names it by the first "type" in its head, wherever that key sits.
      const type = pick(['response.audio.delta', 'response.done', 'vendor.fuzz.big']);
      const pad = 'A'.repeat(maxEventBytes + 1 + int(4096));
      const data = `{"event_id":"e${int(99)}","type":"${type}","delta":"${pad}"}`;
      out.push({ data, kind: 'too_large', eventType: type });
    } else if (roll < 70) {
      const bytes =
        int(2) === 0
          ? new TextEncoder().encode(pick(FIXTURE_TEXT)) // even a valid event is refused as binary
          : Uint8Array.from({ length: 1 + int(256) }, () => int(256));
      out.push({ data: bytes, kind: 'binary_frame' });
    } else out.push(...outOfOrder());
  }
  return out.slice(0, count); // a multi-frame sequence may overshoot; each frame stands alone
}
