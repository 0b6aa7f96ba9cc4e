import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@troupe/discord/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.ts';

const outDir = mkdtempSync(join(tmpdir(), 'troupe-demo-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('pnpm demo', () => {
  it('runs end to end: both speakers, two personas, an audible listener WAV', {
    timeout: 60_000,
  }, async () => {
    const r = await runDemo({ logger: silentLogger(), outDir });
    expect(r.speakerLabels).toEqual(expect.arrayContaining(['Alice', '小明']));
    expect(r.lines.some((l) => l.kind === 'user' && l.who === 'Alice')).toBe(true);
    expect(r.interruptedResponses).toBeGreaterThanOrEqual(1);
    expect(r.personasHeard.length).toBeGreaterThanOrEqual(2);
    expect(r.turns.length).toBeGreaterThanOrEqual(1);
    const wav = readFileSync(r.wavPath);
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.length).toBeGreaterThan(44 + 48_000);
    expect(r.heardMs).toBeGreaterThan(1000);
    expect(r.heardDbfs).toBeGreaterThan(-40);
    // Under DAVE: the bot and the listener share the group, and nothing went out in the clear.
    expect(r.e2ee).toMatchObject({
      encrypted: true,
      protocolVersion: 1,
      listenerAgrees: true,
      framesUnencrypted: 0,
    });
    expect(r.e2ee.framesDecrypted).toBeGreaterThan(50);
    expect(
      r.lines.some((l) =>
        /call is end-to-end encrypted \(DAVE v1, epoch \d+\); privacy code (\d{5} ){5}\d{5}/.test(l.text),
      ),
    ).toBe(true);
  });
});
