import type { TurnLatency } from '@troupe/discord';

/** One printed transcript line. */
export interface DemoLine {
  atMs: number;
  who: string;
  text: string;
  kind: 'user' | 'persona' | 'command' | 'event';
}

const ICON = { user: '🗣', persona: '🎭', command: '⌨️', event: '•' } as const;

/** Renders the transcript as aligned, timestamped lines. */
export function formatTranscript(lines: readonly DemoLine[]): string {
  return lines
    .map((l) => `${(l.atMs / 1000).toFixed(1).padStart(5)}s ${ICON[l.kind]} ${l.who.padEnd(18)} ${l.text}`)
    .join('\n');
}

const cell = (v: number | undefined) => (v === undefined ? '–' : String(Math.round(v))).padStart(9);

/** Renders the per-turn latency table (ms). */
export function formatLatencyTable(turns: readonly TurnLatency[]): string {
  const head = `${'#'.padStart(2)}  ${'speaker'.padEnd(14)}${'end→commit'.padStart(11)}${'→1st audio'.padStart(11)}${'→1st pkt'.padStart(10)}${'total'.padStart(9)}`;
  const rows = turns.map(
    (t, n) =>
      `${String(n + 1).padStart(2)}  ${t.speaker.slice(0, 14).padEnd(14)}  ${cell(t.speechEndToCommitMs)}  ${cell(t.commitToFirstAudioMs)} ${cell(t.firstAudioToFirstPacketMs)}${cell(t.totalMs)}`,
  );
  return [head, '-'.repeat(head.length), ...(rows.length ? rows : ['  (no turns measured)'])].join('\n');
}
