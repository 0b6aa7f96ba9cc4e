import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.ts';
import type { Logger } from './clock.ts';
import { ProtocolDiagnostics, type ProtocolProblem } from './diagnostics.ts';

function capture() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  /** Occurrences the log accounts for: a first line stands for 1, a summary for its repeats. */
  const represented = () => lines.reduce((n, l) => n + (l.obj.occurrences as number), 0);
  return { log, lines, represented };
}

const json = (n: number): ProtocolProblem => ({
  kind: 'malformed_json',
  detail: `ignored an invalid realtime event: malformed JSON at position ${n}`,
  signature: '',
  excerpt: `{bad ${n}`,
});

describe('ProtocolDiagnostics', () => {
  it('logs the first occurrence with context and summarises repeats on a timer, losing none', () => {
    const clock = new ManualClock();
    const { log, lines, represented } = capture();
    const d = new ProtocolDiagnostics(log, clock, { summaryIntervalMs: 1000 });
    const firsts = [json(1), json(2), json(3)].map((p) => d.report(p));
    expect(firsts).toEqual([true, false, false]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      obj: { problem: 'malformed_json', excerpt: '{bad 1', occurrences: 1 },
    });
    clock.advance(1000);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.obj).toMatchObject({ problem: 'malformed_json', occurrences: 2, total: 3 });
    clock.advance(5000); // nothing new: no empty summaries
    expect(lines).toHaveLength(2);
    expect(represented()).toBe(d.total);
  });

  it('keeps distinct problems apart and unknown event types at info', () => {
    const { log, lines } = capture();
    const d = new ProtocolDiagnostics(log, new ManualClock());
    d.report({ kind: 'unknown_event_type', eventType: 'vendor.a', detail: 'a', signature: '' });
    d.report({ kind: 'unknown_event_type', eventType: 'vendor.b', detail: 'b', signature: '' });
    d.report({ kind: 'unknown_event_type', eventType: 'vendor.a', detail: 'a', signature: '' });
    expect(lines.map((l) => [l.level, l.obj.eventType])).toEqual([
      ['info', 'vendor.a'],
      ['info', 'vendor.b'],
    ]);
    expect(d.snapshot().map((p) => [p.eventType, p.count])).toEqual([
      ['vendor.b', 1],
      ['vendor.a', 2],
    ]);
    expect(d.byKind()).toEqual({ unknown_event_type: 3 });
  });

  it('stays bounded: beyond maxKinds the least recent problem is summarised, then forgotten', () => {
    const { log, represented } = capture();
    const d = new ProtocolDiagnostics(log, new ManualClock(), { maxKinds: 4 });
    for (let i = 0; i < 50; i++) {
      d.report({ kind: 'unknown_event_type', eventType: `vendor.${i}`, detail: `t${i}`, signature: '' });
      d.report({ kind: 'unknown_event_type', eventType: `vendor.${i}`, detail: `t${i}`, signature: '' });
    }
    expect(d.snapshot()).toHaveLength(4);
    expect(d.forgotten).toBe(46);
    d.flush();
    expect(represented()).toBe(100);
    expect(d.byKind()).toEqual({ unknown_event_type: 100 });
  });

  it('dispose flushes pending repeats and cancels the timer', () => {
    const clock = new ManualClock();
    const { log, represented } = capture();
    const d = new ProtocolDiagnostics(log, clock);
    for (let i = 0; i < 5; i++) d.report(json(i));
    expect(clock.pendingTimers).toBe(1);
    d.dispose();
    expect(clock.pendingTimers).toBe(0);
    expect(represented()).toBe(5);
  });
});
