import { type Client, Collection } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../testing/fake-voice.ts';
import { DiscordTranscriptSink } from './discord-sink.ts';

function fakeClient(channel: object) {
  let fetches = 0;
  const client = {
    user: { id: 'bot' },
    channels: {
      fetch: async () => {
        fetches++;
        return channel;
      },
    },
  } as unknown as Client;
  return { client, fetches: () => fetches };
}

describe('DiscordTranscriptSink', () => {
  it('creates one webhook per channel, then reuses it, posting under the persona identity', async () => {
    const sent: unknown[] = [];
    let created = 0;
    const hook = { send: async (m: unknown) => void sent.push(m) };
    const channel = {
      fetchWebhooks: async () => new Collection(),
      createWebhook: async () => {
        created++;
        return hook;
      },
    };
    const sink = new DiscordTranscriptSink(fakeClient(channel).client, silentLogger());
    await sink.send('g', 'c', { username: 'Captain', avatarUrl: 'https://x/a.png', content: 'Ahoy' });
    await sink.send('g', 'c', { username: 'Alice', content: 'Hi' });
    expect(created).toBe(1);
    expect(sent).toEqual([
      { content: 'Ahoy', username: 'Captain', avatarURL: 'https://x/a.png', allowedMentions: { parse: [] } },
      { content: 'Hi', username: 'Alice', allowedMentions: { parse: [] } },
    ]);
  });

  it('falls back to plain messages without Manage Webhooks, and logs the hint once', async () => {
    const messages: string[] = [];
    const warnings: string[] = [];
    const logger = { ...silentLogger(), warn: (_o: object, msg: string) => warnings.push(msg) } as never;
    const channel = {
      fetchWebhooks: async () => {
        throw Object.assign(new Error('Missing Permissions'), { code: 50013 });
      },
      createWebhook: async () => ({}),
      isSendable: () => true,
      send: async (m: { content: string }) => void messages.push(m.content),
    };
    const sink = new DiscordTranscriptSink(fakeClient(channel).client, logger);
    await sink.send('g', 'c', { username: 'Captain', content: 'Ahoy' });
    await sink.send('g', 'c', { username: 'Alice', content: 'Hi' });
    expect(messages).toEqual(['**Captain**: Ahoy', '**Alice**: Hi']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Manage Webhooks');
  });
});
