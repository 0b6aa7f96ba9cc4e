import type { GuildSettings } from '@troupe/store';
import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/translate.ts';
import { checkAdmin, checkPersonaSwitch } from './permissions.ts';

const settings = (role: string | null): GuildSettings => ({
  guildId: 'g',
  defaultPersona: null,
  transcriptsEnabled: false,
  transcriptsChannelId: null,
  dailyCapMinutes: null,
  personaSwitchRoleId: role,
  vadSilenceMs: null,
  vadPrefixPaddingMs: null,
  vadEnergyThreshold: null,
  sceneRetentionDays: null,
});
const en = translator('en-US');
const zh = translator('zh-CN');

describe('permissions', () => {
  const member = { userId: 'u', roleIds: ['r1'], isAdmin: false };
  it('lets everyone switch when no role is set', () => {
    expect(checkPersonaSwitch(member, settings(null))).toEqual({ ok: true });
  });
  it('requires the configured role and explains how to get it', () => {
    expect(checkPersonaSwitch(member, settings('r1')).ok).toBe(true);
    const denied = checkPersonaSwitch({ ...member, roleIds: [] }, settings('r1'));
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(en.text(denied.reason)).toMatch(/<@&r1>.*Ask an admin/);
    expect(checkPersonaSwitch({ ...member, roleIds: [], isAdmin: true }, settings('r1')).ok).toBe(true);
  });
  it('admin-only actions name the missing permission and the action, in each language', () => {
    const denied = checkAdmin(member, 'action.import');
    expect(denied.ok).toBe(false);
    if (!denied.ok) {
      expect(en.text(denied.reason)).toMatch(/Manage Server.*can import personas\./);
      expect(zh.text(denied.reason)).toMatch(/管理服务器.*才能导入角色/);
    }
    expect(checkAdmin({ ...member, isAdmin: true }, 'action.settings').ok).toBe(true);
  });
});
