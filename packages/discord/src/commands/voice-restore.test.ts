import { describe, expect, it } from 'vitest';
import { type ObservedGuild, planVoiceRestore } from './voice-restore.ts';

const rec = (guildId: string, channelId: string) => ({ guildId, channelId, personaId: 'p' });
const guild = (botChannelId: string | null, channels: Record<string, number>): ObservedGuild => ({
  botChannelId,
  voiceChannels: new Map(Object.entries(channels).map(([id, humans]) => [id, { humans }])),
});
const none = new Map<string, string>();

describe('planVoiceRestore', () => {
  it('rejoins a recorded channel that still has people, once', () => {
    const observed = new Map([['g1', guild('c1', { c1: 2 })]]);
    expect(planVoiceRestore([rec('g1', 'c1')], none, observed, () => true)).toEqual([
      { kind: 'rejoin', guildId: 'g1', channelId: 'c1', personaId: 'p' },
    ]);
  });

  it('leaves (clearing the stale state) when the channel is empty, gone, over the cap, or the guild is gone', () => {
    const observed = new Map([
      ['empty', guild('c1', { c1: 0 })],
      ['gone', guild('c1', { c2: 3 })],
      ['capped', guild(null, { c1: 1 })],
    ]);
    const plan = planVoiceRestore(
      [rec('empty', 'c1'), rec('gone', 'c1'), rec('capped', 'c1'), rec('kicked', 'c1')],
      none,
      observed,
      (g) => g !== 'capped',
    );
    const record = { channelId: 'c1', personaId: 'p' };
    expect(plan).toEqual([
      {
        kind: 'leave',
        guildId: 'empty',
        staleChannelId: 'c1',
        reason: 'nobody is left in the channel',
        record,
      },
      {
        kind: 'leave',
        guildId: 'gone',
        staleChannelId: 'c1',
        reason: 'the voice channel no longer exists',
        record,
      },
      {
        kind: 'leave',
        guildId: 'capped',
        staleChannelId: null,
        reason: "today's voice limit is used up",
        record,
      },
      {
        kind: 'leave',
        guildId: 'kicked',
        staleChannelId: null,
        reason: 'the bot is no longer in that server',
        record,
      },
    ]);
  });

  it('clears a voice state Discord shows without a record, and leaves quiet guilds alone', () => {
    const observed = new Map([
      ['stale', guild('c9', { c9: 4 })],
      ['quiet', guild(null, { c1: 4 })],
    ]);
    expect(planVoiceRestore([], none, observed, () => true)).toEqual([
      {
        kind: 'leave',
        guildId: 'stale',
        staleChannelId: 'c9',
        reason: 'a voice state with no session on record',
        record: null,
      },
    ]);
  });

  it('never touches a guild another host holds, not even its voice state', () => {
    const observed = new Map([
      ['theirs', guild('c1', { c1: 3 })],
      ['mine', guild('c2', { c2: 1 })],
    ]);
    const held = new Map([
      ['theirs', 'host-b'],
      ['not-in-my-shards', 'host-c'],
    ]);
    expect(planVoiceRestore([rec('mine', 'c2')], held, observed, () => true)).toEqual([
      { kind: 'skip', guildId: 'theirs', holderHostId: 'host-b' },
      { kind: 'rejoin', guildId: 'mine', channelId: 'c2', personaId: 'p' },
    ]);
  });
});
