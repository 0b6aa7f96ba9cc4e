import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/sqlite/sqlite-store.ts';
import type { Store } from '../src/types.ts';
import { UsageMeter } from '../src/usage-meter.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function fileStore() {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-meter-'));
  const path = join(dir, 'db.sqlite');
  const opened: Store[] = [];
  cleanups.push(async () => {
    for (const s of opened) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return async () => {
    const s = await openSqliteStore(path);
    opened.push(s);
    return s;
  };
}

describe('UsageMeter', () => {
  it('counts 20 ms frames in memory, including fractions, and writes them on flush', async () => {
    const store = await (await fileStore())();
    let now = Date.UTC(2026, 0, 1, 12);
    const meter = new UsageMeter(store, () => now);
    for (let i = 0; i < 150; i++) meter.add('g', 20, 0);
    for (let i = 0; i < 3; i++) meter.add('g', 0, 20.5);
    expect(meter.pending('g')).toEqual({ inputAudioMs: 3000, outputAudioMs: 61.5 });
    expect(await store.getUsage('g', '2026-01-01')).toMatchObject({ inputAudioMs: 0 });
    const totals = await meter.flush();
    expect(totals.get('g')).toEqual({ inputAudioMs: 3000, outputAudioMs: 62, warned: false });
    expect(meter.pending('g')).toEqual({ inputAudioMs: 0, outputAudioMs: 0 });
    now += 1000;
    meter.add('g', 20, 0);
    expect((await meter.flush('g')).get('g')?.inputAudioMs).toBe(3020);
  });

  it('counts audio on the UTC day it was metered, across midnight', async () => {
    const store = await (await fileStore())();
    let now = Date.UTC(2026, 0, 1, 23, 59, 59, 990);
    const meter = new UsageMeter(store, () => now);
    meter.add('g', 20, 0);
    now += 20;
    meter.add('g', 20, 0);
    const totals = await meter.flush();
    expect(totals.get('g')?.inputAudioMs).toBe(20);
    expect((await store.getUsage('g', '2026-01-01')).inputAudioMs).toBe(20);
    expect((await store.getUsage('g', '2026-01-02')).inputAudioMs).toBe(20);
  });

  it('keeps the deltas of a failed flush and writes them with the next one', async () => {
    const open = await fileStore();
    let store = await open();
    const meter = new UsageMeter({ addUsage: (...a) => store.addUsage(...a) }, () => Date.UTC(2026, 0, 1));
    meter.add('g', 500, 250);
    await store.close(); // the database goes away mid-session
    await expect(meter.flush()).rejects.toThrow();
    expect(meter.pending('g')).toEqual({ inputAudioMs: 500, outputAudioMs: 250 });
    meter.add('g', 100, 0);
    store = await open();
    expect((await meter.flush()).get('g')).toEqual({ inputAudioMs: 600, outputAudioMs: 250, warned: false });
  });

  it('refuses a bad amount at once, on the audio path, rather than at the next flush', async () => {
    const store = await (await fileStore())();
    const meter = new UsageMeter(store, () => 0);
    expect(() => meter.add('g', Number.NaN, 0)).toThrow(/inputAudioMs must be a finite number/);
    expect(() => meter.add('', 1, 0)).toThrow(/guildId/);
  });
});
