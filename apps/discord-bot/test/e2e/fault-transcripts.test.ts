// Issue 13 item 3: transcript webhooks through the real bot and discord-sim (which refuses what
// Discord refuses). Names Discord does not allow on a webhook ("clyde", "discord", over 80
// characters, blank) still get their lines posted under a valid name; a webhook a moderator
// deleted is replaced, so later lines are not lost; and no webhook token reaches the log.
import { FakeVoice, P } from '@troupe/discord/testing';
import type { Persona } from '@troupe/realtime-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultGuild, type FaultWorld, startFaultWorld } from './fault-world.ts';

let w: FaultWorld;
let g: FaultGuild;
const voice = new FakeVoice();
beforeAll(async () => {
  w = await startFaultWorld({ guilds: 1, createVoice: () => voice });
  g = w.guilds[0]!;
  const h = await w.discord.slash({ user: 'Owner', guild: g.id, channel: g.textId }, 'settings', {
    subcommand: 'transcripts',
    options: { enabled: true, channel: g.textId },
  });
  await h.edited(1, 15_000);
}, 30_000);
afterAll(async () => {
  await w?.close();
});

const persona: Persona = { ...P.captain, name: 'Clyde, the Discord Bard' };

function say(role: 'user' | 'assistant', speaker: string, text: string) {
  voice.fire('transcript', { guildId: g.id, channelId: g.voiceId, role, speaker, text, persona });
}

/** Transcript posts in the text channel (webhook or plain), as [shown name, text]. */
function posted(): [string, string][] {
  return w.discord.messages
    .filter((m) => m.channelId === g.textId && m.via !== 'interaction')
    .map((m) =>
      m.via === 'webhook'
        ? [String(m.body.username ?? ''), m.content ?? '']
        : (/^\*\*(.*?)\*\*: ([\s\S]*)$/.exec(m.content ?? '')?.slice(1, 3) as [string, string]),
    );
}

describe('transcript webhooks', () => {
  it('posts lines of speakers and personas whose names Discord would refuse, under valid names', async () => {
    say('user', 'clyde_fan', 'Who is on deck?');
    say('assistant', persona.name, 'The Bard, at your service.');
    say('user', 'DISCORDIA', 'Sing us a song.');
    say('user', `  ${'L'.repeat(120)}  `, 'A very long name.');
    say('user', '\u200b\u200b', 'Only invisible characters.');
    await w.bot.transcripts.flush();
    const lines = posted();
    expect(lines.map(([, text]) => text)).toEqual([
      'Who is on deck?',
      'The Bard, at your service.',
      'Sing us a song.',
      'A very long name.',
      'Only invisible characters.',
    ]);
    for (const [name] of lines) {
      expect(name).not.toMatch(/clyde|discord/i);
      expect(name.trim().length).toBeGreaterThan(0);
      expect([...name].length).toBeLessThanOrEqual(80);
    }
    // Still recognisable: "clyde_fan" reads as itself, not as a placeholder.
    expect(lines[0]?.[0]).toMatch(/^clyd._fan$/u);
  });

  it('replaces a webhook a moderator deleted: no later line is lost', async () => {
    const before = posted().length;
    expect(w.discord.faults.deleteWebhooks(g.textId)).toBe(1);
    for (let n = 1; n <= 3; n++) {
      say('user', 'Pleb', `line ${n} after the delete`);
      await w.bot.transcripts.flush();
    }
    expect(
      posted()
        .slice(before)
        .map(([, text]) => text),
    ).toEqual(['line 1 after the delete', 'line 2 after the delete', 'line 3 after the delete']);
    expect(w.discord.webhooks.size).toBe(1);
  });

  it('never logs a webhook URL with its token', () => {
    const logs = w.logs.join('\n');
    expect(logs).not.toMatch(/\/webhooks\/\d+\/(?!\[REDACTED\])[\w-]{20,}/);
    for (const hook of w.discord.webhooks.values()) expect(logs).not.toContain(hook.token);
  });
});
