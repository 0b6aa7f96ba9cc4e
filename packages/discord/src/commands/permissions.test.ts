import { describe, expect, it } from 'vitest';
import type { GuildSettings } from '../store/store.ts';
import { checkAdmin, checkPersonaSwitch } from './permissions.ts';

const settings = (role: string | null): GuildSettings => ({
  guildId: 'g',
  defaultPersona: null,
  transcriptsEnabled: false,
  transcriptsChannelId: null,
  dailyCapMinutes: null,
  personaSwitchRoleId: role,
});

describe('permissions', () => {
  const member = { userId: 'u', roleIds: ['r1'], isAdmin: false };
  it('lets everyone switch when no role is set', () => {
    expect(checkPersonaSwitch(member, settings(null))).toEqual({ ok: true });
  });
  it('requires the configured role and explains how to get it', () => {
    expect(checkPersonaSwitch(member, settings('r1')).ok).toBe(true);
    const denied = checkPersonaSwitch({ ...member, roleIds: [] }, settings('r1'));
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(denied.reason).toMatch(/<@&r1>.*Ask an admin/);
    expect(checkPersonaSwitch({ ...member, roleIds: [], isAdmin: true }, settings('r1')).ok).toBe(true);
  });
  it('admin-only actions name the missing permission', () => {
    const denied = checkAdmin(member, 'import personas');
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(denied.reason).toContain('Manage Server');
    expect(checkAdmin({ ...member, isAdmin: true }, 'x').ok).toBe(true);
  });
});
