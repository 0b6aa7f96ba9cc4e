import type { GuildSettings } from '@troupe/store';
import type { MessageKey, Text } from '../i18n/translate.ts';

/** The caller's relevant facts, extracted from the interaction (pure input). */
export interface Caller {
  userId: string;
  roleIds: readonly string[];
  /** ManageGuild or Administrator. */
  isAdmin: boolean;
}

/** Allowed, or denied with a text that says why and how to fix. */
export type PermissionResult = { ok: true } | { ok: false; reason: Text };

/** Admin-only actions (import/remove personas, settings); `action` names the action in each language. */
export function checkAdmin(
  caller: Caller,
  action: Extract<MessageKey, `action.${string}`>,
): PermissionResult {
  if (caller.isAdmin) return { ok: true };
  return { ok: false, reason: { key: 'error.adminOnly', params: { action: { key: action } } } };
}

/** Persona switching: anyone unless the guild restricts it to a role; admins always may. */
export function checkPersonaSwitch(caller: Caller, settings: GuildSettings): PermissionResult {
  const role = settings.personaSwitchRoleId;
  if (!role || caller.isAdmin || caller.roleIds.includes(role)) return { ok: true };
  return { ok: false, reason: { key: 'error.needsRole', params: { role } } };
}

/** Erasing a channel's scene memory: admins, or members with the persona-switch role when one is set. */
export function checkForget(caller: Caller, settings: GuildSettings): PermissionResult {
  if (caller.isAdmin) return { ok: true };
  const role = settings.personaSwitchRoleId;
  if (role && caller.roleIds.includes(role)) return { ok: true };
  if (role) return { ok: false, reason: { key: 'error.forgetNeedsRole', params: { role } } };
  return { ok: false, reason: { key: 'error.adminOnly', params: { action: { key: 'action.forget' } } } };
}
