import { openSqliteStore, type Store } from '@troupe/store';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeVoice, P, silentLogger } from '../testing/fake-voice.ts';
import { type TranscriptMessage, TranscriptPoster } from './transcript-poster.ts';

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function memoryStore(): Promise<Store> {
  const store = await openSqliteStore(':memory:');
  stores.push(store);
  return store;
}

async function setup() {
  const store = await memoryStore();
  const voice = new FakeVoice();
  const sent: { channelId: string; m: TranscriptMessage }[] = [];
  const timers: (() => void)[] = [];
  const poster = new TranscriptPoster({
    store,
    voice,
    logger: silentLogger(),
    sink: { send: async (_g, channelId, m) => void sent.push({ channelId, m }) },
    timers: { setTimeout: (f) => timers.push(f), clearTimeout: () => {} },
  });
  return { store, voice, sent, timers, poster };
}

describe('TranscriptPoster', () => {
  it('posts nothing while transcripts are off', async () => {
    const { voice, sent, poster } = await setup();
    voice.fire('transcript', {
      guildId: 'g',
      channelId: 'vc',
      role: 'user',
      speaker: 'Alice',
      text: 'hi',
      persona: P.captain,
    });
    await poster.flush();
    expect(sent).toHaveLength(0);
  });

  it('batches lines, merges consecutive lines per author and uses the persona identity', async () => {
    const { store, voice, sent, timers, poster } = await setup();
    await store.updateSettings('g', { transcriptsEnabled: true, transcriptsChannelId: 'tc' });
    const line = (role: 'user' | 'assistant', speaker: string, text: string) =>
      voice.fire('transcript', {
        guildId: 'g',
        channelId: 'vc',
        role,
        speaker,
        text,
        persona: { ...P.captain, avatarUrl: 'https://a/x.png' },
      });
    line('user', 'Alice', 'Ahoy');
    line('user', 'Alice', 'anyone here?');
    line('assistant', 'Captain', 'Aye, I am.');
    expect(timers).toHaveLength(1);
    timers[0]!();
    await poster.flush();
    expect(sent).toEqual([
      { channelId: 'tc', m: { username: 'Alice', avatarUrl: undefined, content: 'Ahoy\nanyone here?' } },
      { channelId: 'tc', m: { username: 'Captain', avatarUrl: 'https://a/x.png', content: 'Aye, I am.' } },
    ]);
  });

  it('defaults to the voice channel chat and survives a failing sink', async () => {
    const store = await memoryStore();
    await store.updateSettings('g', { transcriptsEnabled: true });
    let calls = 0;
    const poster = new TranscriptPoster({
      store,
      logger: silentLogger(),
      sink: {
        send: async (_g, channelId) => {
          calls++;
          expect(channelId).toBe('vc');
          throw new Error('429');
        },
      },
    });
    void poster.add({ guildId: 'g', voiceChannelId: 'vc', author: 'A', text: 'x' });
    void poster.add({ guildId: 'g', voiceChannelId: 'vc', author: 'B', text: 'y' });
    await poster.flush();
    expect(calls).toBe(2);
  });

  it('keeps the order of a guild’s lines while its settings are read from the database', async () => {
    const store = await memoryStore();
    await store.updateSettings('g', { transcriptsEnabled: true });
    let reads = 0;
    // A host whose cache does not hold the guild yet: every line must wait for the read.
    const cold = {
      cachedSettings: () => undefined,
      getSettings: async (g: string) => {
        reads++;
        await new Promise((r) => setTimeout(r, reads === 1 ? 20 : 0));
        return store.getSettings(g);
      },
    } as unknown as Store;
    const sent: string[] = [];
    const poster = new TranscriptPoster({
      store: cold,
      logger: silentLogger(),
      sink: { send: async (_g, _c, m) => void sent.push(m.content) },
    });
    for (const text of ['one', 'two', 'three'])
      void poster.add({ guildId: 'g', voiceChannelId: 'vc', author: 'A', text });
    await poster.flush();
    expect(sent).toEqual(['one\ntwo\nthree']);
  });
});
