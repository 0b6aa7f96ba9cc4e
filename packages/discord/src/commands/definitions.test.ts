import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandBodies } from './definitions.ts';

describe('command definitions', () => {
  const bodies = commandBodies();
  const byName = new Map(bodies.map((b) => [b.name, b]));

  it('registers the eight guild-only commands', () => {
    expect([...byName.keys()].sort()).toEqual([
      'help',
      'join',
      'leave',
      'persona',
      'privacy',
      'scene',
      'settings',
      'voice',
    ]);
    for (const b of bodies) expect(b.contexts).toEqual([InteractionContextType.Guild]);
  });

  it('uses autocomplete for every persona option', () => {
    const found: { autocomplete?: boolean }[] = [];
    const walk = (opts: unknown[] | undefined) => {
      for (const o of (opts ?? []) as { name: string; options?: unknown[]; autocomplete?: boolean }[]) {
        if (o.name === 'persona') found.push(o);
        walk(o.options);
      }
    };
    for (const b of bodies) walk(b.options);
    expect(found).toHaveLength(9);
    for (const o of found) expect(o.autocomplete).toBe(true);
  });

  it('restricts /settings to Manage Server by default and takes a card attachment for import', () => {
    expect(byName.get('settings')?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    const imp = byName.get('persona')?.options?.find((o) => o.name === 'import') as {
      options?: { type: number }[];
    };
    expect(imp.options?.[0]?.type).toBe(ApplicationCommandOptionType.Attachment);
    const sub = (name: string) => (byName.get(name)?.options ?? []).map((o) => o.name);
    expect(sub('voice')).toEqual(['status', 'reset', 'optout', 'optin', 'forget']);
    expect(sub('settings')).toEqual([
      'show',
      'default-persona',
      'transcripts',
      'cap',
      'switch-role',
      'memory',
      'vad',
    ]);
    expect(sub('scene')).toEqual(['add', 'remove', 'list', 'mode', 'next', 'addressed-only']);
  });
});
