import { FakeVoice, silentLogger } from '@troupe/discord/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUILD_ID,
  type Harness,
  OTHER_GUILD_ID,
  runAutocomplete,
  runCommand,
  startHarness,
  VOICE_CHANNEL_ID,
  XIAOMING_ID,
} from '../../src/demo/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ logger: silentLogger(), createVoice: () => new FakeVoice() });
});
afterAll(async () => {
  await h?.close();
});

const cmd = (user: string, name: string, sub?: string, options?: Record<string, string | number | boolean>) =>
  runCommand(h, user, name, sub, options);

describe('slash commands over discord-sim', () => {
  it('defers ephemerally and answers /persona list with the built-ins', async () => {
    const r = await cmd('Alice', 'persona', 'list');
    expect(r.deferred).toBe(true);
    expect(r.ephemeral).toBe(true);
    expect(r.content).toContain('captain-mara');
    expect(r.content).toContain('shuoshu-ren');
  });

  it('autocompletes persona ids, and garbage yields a valid list', async () => {
    const choices = await runAutocomplete(h, 'Alice', 'join', 'persona', 'cap');
    expect(choices.map((c) => c.value)).toEqual(['captain-mara']);
    expect(await runAutocomplete(h, 'Alice', 'join', 'persona', '\u0000%%zz')).toEqual([]);
  });

  it('explains permission denials', async () => {
    expect((await cmd('Alice', 'settings', 'cap', { minutes: 5 })).content).toMatch(/Manage Server/);
    expect((await cmd('Alice', 'persona', 'remove', { persona: 'captain-mara' })).content).toMatch(
      /Manage Server/,
    );
    await cmd('Admin', 'settings', 'switch-role', { role: 'Storytellers' });
    await h.discord.joinVoice('Alice', VOICE_CHANNEL_ID);
    expect((await cmd('Alice', 'join', undefined, { persona: 'shuoshu-ren' })).content).toMatch(
      /needs the .* role/,
    );
    await cmd('Admin', 'settings', 'switch-role');
  });

  it('joins, switches persona mid-session, reports status, and leaves', async () => {
    expect((await cmd('Alice', 'join', undefined, { persona: 'captain-mara' })).content).toContain('joined');
    expect(h.bot.voice.get(GUILD_ID)?.persona.id).toBe('captain-mara');
    expect((await cmd('小明', 'persona', 'set', { persona: 'shuoshu-ren' })).content).toContain('Switched');
    expect(h.bot.voice.get(GUILD_ID)?.persona.id).toBe('shuoshu-ren');
    expect((await cmd('Alice', 'voice', 'status')).content).toMatch(/说书人/);
    expect((await cmd('Alice', 'leave')).content).toContain('left');
    expect(h.bot.voice.get(GUILD_ID)).toBeUndefined();
  });

  it('stores opt-outs per guild', async () => {
    expect((await cmd('小明', 'voice', 'optout')).content).toContain('will not be sent');
    expect(h.store.isOptedOut(GUILD_ID, XIAOMING_ID)).toBe(true);
    expect(h.store.isOptedOut(OTHER_GUILD_ID, XIAOMING_ID)).toBe(false);
    await cmd('小明', 'voice', 'optin');
    expect(h.store.isOptedOut(GUILD_ID, XIAOMING_ID)).toBe(false);
  });

  it('saves settings for admins, per guild', async () => {
    const r = await cmd('Admin', 'settings', 'default-persona', { persona: 'study-buddy-lin' });
    expect(r.content).toContain('Lin the Study Buddy');
    expect((await h.store.getSettings(GUILD_ID)).defaultPersona).toBe('study-buddy-lin');
    expect((await h.store.getSettings(OTHER_GUILD_ID)).defaultPersona).toBeNull();
  });
});
