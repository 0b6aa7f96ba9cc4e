// Issue 12 item 5, bot side: the rules discord-sim now enforces as Discord does. A voice channel at
// its user limit keeps the bot out unless it may Move Members: /join must say so at once (Discord
// would silently never answer the join), and join when it may. A shard may send 120 gateway
// commands a minute: a join whose op 4 waits in the send queue still joins (and says it waits).
import { afterEach, describe, expect, it } from 'vitest';
import { type FaultWorld, startFaultWorld } from './fault-world.ts';

let w: FaultWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function join(world: FaultWorld, user: string): Promise<string> {
  const g = world.guilds[0]!;
  const h = await world.discord.slash({ user, guild: g.id, channel: g.textId }, 'join', {
    options: { channel: g.voiceId },
  });
  await h.edited(1, 30_000);
  return h.content ?? '';
}

describe('a voice channel at its user limit', () => {
  it('without Move Members: /join says the channel is full and how to fix it, without asking Discord', async () => {
    w = await startFaultWorld({
      guilds: 1,
      realtime: true,
      voiceUserLimit: 1,
      inVoice: [{ guild: 0, user: 'Pleb' }],
    });
    const reply = await join(w, 'Admin');
    expect(reply).toMatch(/voice-0 is full \(1 of 1 places taken\).*Move Members/);
    expect(w.discord.faults.voiceStateUpdates).toBe(0);
    expect(w.bot.voice.get(w.guilds[0]!.id)).toBeUndefined();
  }, 40_000);

  it('with Move Members: the bot joins anyway', async () => {
    w = await startFaultWorld({
      guilds: 1,
      realtime: true,
      voiceUserLimit: 1,
      botMovesMembers: true,
      inVoice: [{ guild: 0, user: 'Pleb' }],
    });
    expect(await join(w, 'Pleb')).toMatch(/joined/);
    expect(w.discord.botVoice(w.guilds[0]!.id)?.channelId).toBe(w.guilds[0]!.voiceId);
  }, 40_000);
});

describe('the gateway allows 120 commands a minute per shard', () => {
  it('a /join whose op 4 waits for the next minute still joins, and tells the caller it waits', async () => {
    w = await startFaultWorld({ guilds: 1, realtime: true, inVoice: [{ guild: 0, user: 'Pleb' }] });
    const g = w.guilds[0]!;
    // Spend the shard's budget, as a burst of joins or a restart rejoining many channels would.
    for (let n = 0; n < 116; n++) w.bot.client.user?.setPresence({ status: n % 2 ? 'online' : 'idle' });
    const h = await w.discord.slash({ user: 'Pleb', guild: g.id, channel: g.textId }, 'join');
    await h.waitFor((r) => r.kind === 'edit' && /joined|could not/.test(String(r.data.content)), 100_000);
    const edits = h.responses.filter((r) => r.kind === 'edit').map((r) => String(r.data.content));
    expect(edits.at(-1)).toMatch(/joined/);
    expect(edits[0]).toMatch(/⏳ Joining .*up to a minute/);
    expect(w.discord.stats.gateway.rateLimitCloses).toBe(0);
    expect(w.bot.voice.get(g.id)?.channelId).toBe(g.voiceId);
  }, 120_000);
});
