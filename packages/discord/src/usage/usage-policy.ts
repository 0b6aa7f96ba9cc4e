/** Fraction of the daily cap at which the persona warns out loud. */
export const WARN_FRACTION = 0.8;

/** What to do after usage changed. */
export type UsageVerdict = 'ok' | 'warn' | 'cap';

/** Minutes counted against the cap: model input audio plus model output audio. */
export function usedMinutes(u: { inputAudioMs: number; outputAudioMs: number }): number {
  return (u.inputAudioMs + u.outputAudioMs) / 60_000;
}

/**
 * Pure cap decision. `capMinutes` null/0 = unlimited. Warns once per day (`warned`), caps at 100 %.
 */
export function evaluateUsage(usedMin: number, capMinutes: number | null, warned: boolean): UsageVerdict {
  if (!capMinutes || capMinutes <= 0) return 'ok';
  if (usedMin >= capMinutes) return 'cap';
  if (!warned && usedMin >= capMinutes * WARN_FRACTION) return 'warn';
  return 'ok';
}

/** Milliseconds until the next UTC midnight (when daily usage resets). */
export function msUntilUtcReset(nowMs: number): number {
  const d = new Date(nowMs);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  return next - nowMs;
}

/** "3 h 12 min" style duration, rounded up (a countdown); under a minute in seconds ("30 s"). */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.ceil(ms / 1000))} s`;
  const totalMin = Math.max(0, Math.ceil(ms / 60_000));
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/** Time elapsed, rounded down: "5 s", "4 min 12 s" (under 10 min), "25 min", "1 h 3 min". */
export function formatElapsed(ms: number): string {
  const totalS = Math.max(0, Math.floor(ms / 1000));
  if (totalS < 60) return `${totalS} s`;
  const totalMin = Math.floor(totalS / 60);
  if (totalMin < 10) return `${totalMin} min${totalS % 60 ? ` ${totalS % 60} s` : ''}`;
  const h = Math.floor(totalMin / 60);
  return h > 0 ? `${h} h ${totalMin % 60} min` : `${totalMin} min`;
}
