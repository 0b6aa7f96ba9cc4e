import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@troupe/discord/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.ts';
import { voicesOfRecording } from './listener-voices.ts';
import { LIU, MARA } from './scene-helpers.ts';

const outDir = mkdtempSync(join(tmpdir(), 'troupe-demo-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('pnpm demo', () => {
  it('runs end to end: both speakers, a two-character scene, an audible listener WAV', {
    timeout: 60_000,
  }, async () => {
    const live: { n: number; wavBytes: number }[] = [];
    const r = await runDemo({
      logger: silentLogger(),
      outDir,
      // Each line is reported as it happens, and the WAV grows while the scene runs.
      onLine: () => {
        let wavBytes = 0;
        try {
          wavBytes = statSync(join(outDir, 'demo-listener.wav')).size;
        } catch {
          // Not opened yet.
        }
        live.push({ n: live.length + 1, wavBytes });
      },
    });
    expect(live.length).toBe(r.lines.length);
    expect(r.lines[0]?.text).toMatch(/starting a local Discord/);
    expect(
      r.lines.some((l) => l.who === 'bot (to everyone)' && /an AI character, is now listening/.test(l.text)),
    ).toBe(true);
    const growing = live.map((x) => x.wavBytes).filter((b) => b > 44);
    expect(new Set(growing).size).toBeGreaterThan(2);
    expect(r.speakerLabels).toEqual(expect.arrayContaining(['Alice', '小明']));
    expect(r.lines.some((l) => l.kind === 'user' && l.who === 'Alice')).toBe(true);
    expect(r.interruptedResponses).toBeGreaterThanOrEqual(1);
    expect(r.personasHeard.length).toBeGreaterThanOrEqual(2);
    // Each player called one character by name: that one answered, and the other reacted.
    const captain = 'Captain Mara Voss';
    const teller = '说书人 老柳';
    expect(r.scene).toEqual([
      { player: 'Alice', addressed: captain, answeredBy: [captain, teller] },
      { player: '小明', addressed: teller, answeredBy: [teller, captain] },
    ]);
    expect(r.turns.length).toBeGreaterThanOrEqual(1);
    // The model's timeline keeps the players' pauses: each pause in a recording (their client sends
    // nothing while silent) is in what the model heard of that turn. Within 40 ms: a recording's
    // pause begins and ends inside 20 ms frames, which the client's VAD sends as speech, so the wire
    // carries it up to a frame shorter at each edge (pause-fidelity.test.ts holds ±20 ms on pauses
    // that fall on frame edges).
    expect(r.pauses.length).toBeGreaterThanOrEqual(3);
    expect(r.pauses.some((p) => p.spoken.length > 0)).toBe(true);
    for (const p of r.pauses) {
      expect(p.heard.length).toBe(p.spoken.length);
      for (const ms of p.spoken)
        expect(Math.min(...p.heard.map((h) => Math.abs(h - ms)))).toBeLessThanOrEqual(40);
    }
    const wav = readFileSync(r.wavPath);
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.length).toBeGreaterThan(44 + 48_000);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    // The WAV is the whole scene, silences kept: as long as the scene, far longer than the speech.
    expect(r.wavMs / r.sceneMs).toBeGreaterThan(0.97);
    expect(r.wavMs / r.sceneMs).toBeLessThan(1.03);
    expect(r.heardMs / r.wavMs).toBeLessThan(0.9);
    expect(r.heardMs).toBeGreaterThan(1000);
    expect(r.heardDbfs).toBeGreaterThan(-40);
    // Both characters' voices are in the WAV, told apart by pitch (48 kHz stereo, after the header).
    const stereo = new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) / 2);
    const mono = new Int16Array(stereo.length / 2);
    for (let i = 0; i < mono.length; i++) mono[i] = (stereo[2 * i]! + stereo[2 * i + 1]!) >> 1;
    const windows = voicesOfRecording(mono, 48_000, [MARA, LIU]);
    const count = (v: string | undefined) => windows.filter((w) => w === v).length;
    expect(count(MARA)).toBeGreaterThanOrEqual(10);
    expect(count(LIU)).toBeGreaterThanOrEqual(10);
    // Nearly every audible window is one of the two voices.
    expect(count(undefined) / windows.length).toBeLessThan(0.2);
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
