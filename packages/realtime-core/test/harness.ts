// Shared by the conversation and fault tests: a logger that keeps what it is told, a crash counter,
// speech turns, and the dialects every suite runs against.

import { synthesizeSpeech } from '@troupe/realtime-sim';
import { type Logger, openaiProfile, type RealtimeSession, stepfunProfile } from '../src/index.ts';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/**
 * Counts uncaught exceptions and unhandled rejections while a test runs. Vitest would report
 * them too, but only after the fact: counting lets the test assert zero next to its other figures.
 */
export function trackCrashes(): { readonly count: number; readonly errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onError = (err: unknown) => errors.push(err);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    get count() {
      return errors.length;
    },
    errors,
    stop() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

/** `speechMs` of voiced audio then `silenceMs` of silence: enough for server VAD to end the turn. */
export function speechTurn(speechMs: number, silenceMs: number): Int16Array {
  const speech = synthesizeSpeech('user', speechMs);
  const all = new Int16Array(speech.length + (24_000 * silenceMs) / 1000);
  all.set(speech);
  return all;
}

/** Appends a turn in 20 ms frames, like a microphone. */
export function speak(s: RealtimeSession, turn: Int16Array): void {
  for (let at = 0; at < turn.length; at += 480) s.appendAudio(turn.subarray(at, at + 480));
}

/** The two wire dialects the conversation suites run against, with the client profile for each. */
export const DIALECTS = [
  { dialect: 'stepfun', model: 'stepaudio-2.5-realtime', profile: stepfunProfile },
  { dialect: 'openai', model: 'gpt-realtime', profile: openaiProfile },
] as const;

export type DialectCase = (typeof DIALECTS)[number];
