import { describe, expect, it } from 'vitest';
import { Store } from '../store/store.ts';
import { FakeVoice, P, silentLogger } from '../testing/fake-voice.ts';
import { type TranscriptMessage, TranscriptPoster } from './transcript-poster.ts';

function setup() {
  const store = new Store(':memory:');
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
    const { voice, sent, poster } = setup();
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
    const { store, voice, sent, timers, poster } = setup();
    store.updateSettings('g', { transcriptsEnabled: true, transcriptsChannelId: 'tc' });
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
    const store = new Store(':memory:');
    store.updateSettings('g', { transcriptsEnabled: true });
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
    poster.add({ guildId: 'g', voiceChannelId: 'vc', author: 'A', text: 'x' });
    poster.add({ guildId: 'g', voiceChannelId: 'vc', author: 'B', text: 'y' });
    await poster.flush();
    expect(calls).toBe(2);
  });
});
