// Issue 13 item 1: racing /join in one guild. Several /join at once (from two channels, or three
// people in one channel) must start exactly one session: one model socket, one greeting, and the
// session the bot tracks is the one that hears everyone. The others wait for the join in flight
// and are then told where the persona is.
import { fixturePath, readWav } from '@troupe/discord-sim';
import type { RealtimeSim } from '@troupe/realtime-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelTap } from './fault-voice-world.ts';
import { type FaultWorld, startFaultWorld } from './fault-world.ts';

const CLIP = readWav(fixturePath('en-bob')).samples.slice(0, 48_000);

let w: FaultWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const greetings = (rt: RealtimeSim) =>
  rt.responses.filter((r) => /Greet the people here/.test(r.instructions));

/** Sends `/join` as each user at once (no waiting in between); resolves with the final replies. */
async function raceJoins(world: FaultWorld, users: string[]): Promise<string[]> {
  const g = world.guilds[0]!;
  const handles = await Promise.all(
    users.map((user) => world.discord.slash({ user, guild: g.id, channel: g.textId }, 'join')),
  );
  await Promise.all(handles.map((h) => h.edited(1, 25_000)));
  return handles.map((h) => h.content ?? '');
}

describe('racing /join in one guild', () => {
  it('two channels at once: one session, the other caller is told where it is', async () => {
    const tap = new ModelTap();
    w = await startFaultWorld({
      guilds: 1,
      realtime: true,
      inVoice: [
        { guild: 0, user: 'Owner' },
        { guild: 0, user: 'Admin', second: true },
      ],
      voiceOptions: { transportFactory: tap.factory, tuning: { idleLeaveMs: 60_000 } },
    });
    const rt = w.realtime!;
    const g = w.guilds[0]!;
    const replies = await raceJoins(w, ['Owner', 'Admin']);
    const session = w.bot.voice.get(g.id);
    expect(session).toBeDefined();
    const winner = session!.channelId;
    expect([g.voiceId, g.voice2Id]).toContain(winner);
    expect(replies.filter((r) => /joined/.test(r))).toHaveLength(1);
    expect(replies.filter((r) => r.includes(`already talking in <#${winner}>`))).toHaveLength(1);
    await rt.waitFor(() => greetings(rt).length >= 1, 10_000);
    expect(rt.sessions).toHaveLength(1);
    expect(greetings(rt)).toHaveLength(1);
    expect(w.discord.botVoice(g.id)?.channelId).toBe(winner);
    expect(await w.store.listVoiceSessions()).toEqual([
      expect.objectContaining({ guildId: g.id, channelId: winner }),
    ]);
  }, 40_000);

  it('three people in one channel at once: one model socket, one greeting, everyone heard', async () => {
    const tap = new ModelTap();
    w = await startFaultWorld({
      guilds: 1,
      realtime: true,
      inVoice: (['Owner', 'Admin', 'Pleb'] as const).map((user) => ({ guild: 0, user })),
      voiceOptions: { transportFactory: tap.factory, tuning: { idleLeaveMs: 60_000 } },
    });
    const rt = w.realtime!;
    const g = w.guilds[0]!;
    const replies = await raceJoins(w, ['Owner', 'Admin', 'Pleb']);
    expect(replies.filter((r) => /joined/.test(r))).toHaveLength(1);
    expect(replies.filter((r) => /already in/.test(r))).toHaveLength(2);
    await rt.waitFor(() => greetings(rt).length >= 1, 10_000);
    expect(rt.sessions).toHaveLength(1);
    expect(greetings(rt)).toHaveLength(1);
    // The tracked session hears each of them, as a labelled turn.
    for (const user of ['Owner', 'Admin', 'Pleb']) {
      await w.discord.speak(user, CLIP);
      await rt.waitFor(() => tap.turns.some((t) => t.label === `[${user}]` && t.pcm.length > 0), 10_000);
    }
    const heard = w.bot.voice
      .get(g.id)
      ?.status()
      .heard.map((h) => h.displayName);
    expect(heard?.sort()).toEqual(['Admin', 'Owner', 'Pleb']);
    expect(rt.sessions).toHaveLength(1);
  }, 60_000);

  it('/leave racing a /join leaves what the join starts: no session stays behind', async () => {
    const tap = new ModelTap();
    w = await startFaultWorld({
      guilds: 1,
      realtime: true,
      inVoice: [{ guild: 0, user: 'Owner' }],
      voiceOptions: { transportFactory: tap.factory, tuning: { idleLeaveMs: 60_000 } },
    });
    const g = w.guilds[0]!;
    const ctx = { user: 'Owner', guild: g.id, channel: g.textId };
    const join = await w.discord.slash(ctx, 'join');
    const leave = await w.discord.slash(ctx, 'leave');
    await Promise.all([join.edited(1, 25_000), leave.edited(1, 25_000)]);
    expect(join.content).toMatch(/joined/);
    expect(leave.content).toMatch(/left the voice channel/);
    expect(w.bot.voice.get(g.id)).toBeUndefined();
    await w.discord.until(() => w!.discord.botVoice(g.id) === undefined, 10_000);
    await expect.poll(() => w!.store.listVoiceSessions()).toEqual([]);
  }, 40_000);
});
