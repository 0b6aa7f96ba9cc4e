import type { GuildSettings } from '../store/store.ts';

/** The caller's relevant facts, extracted from the interaction (pure input). */
export interface Caller {
  userId: string;
  roleIds: readonly string[];
  /** ManageGuild or Administrator. */
  isAdmin: boolean;
}

/** Allowed, or denied with a message that says why and how to fix. */
export type PermissionResult = { ok: true } | { ok: false; reason: string };

/** Admin-only actions (import/remove personas, settings). */
export function checkAdmin(caller: Caller, action: string): PermissionResult {
  if (caller.isAdmin) return { ok: true };
  return {
    ok: false,
    reason: `Only server admins (Manage Server permission) can ${action}. Ask an admin, or ask them to grant you Manage Server.`,
  };
}

/** Persona switching: anyone unless the guild restricts it to a role; admins always may. */
export function checkPersonaSwitch(caller: Caller, settings: GuildSettings): PermissionResult {
  const role = settings.personaSwitchRoleId;
  if (!role || caller.isAdmin || caller.roleIds.includes(role)) return { ok: true };
  return {
    ok: false,
    reason: `Switching personas on this server needs the <@&${role}> role. Ask an admin for it (they set it with \`/settings switch-role\`).`,
  };
}
