import type { APIApplicationCommand, RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';

/** Registered application commands, global (`guildId` undefined) and per guild. */
export class CommandStore {
  private readonly scopes = new Map<string, APIApplicationCommand[]>();
  private readonly applicationId: string;
  private readonly nextId: () => string;

  constructor(applicationId: string, nextId: () => string) {
    this.applicationId = applicationId;
    this.nextId = nextId;
  }

  list(guildId?: string): APIApplicationCommand[] {
    return this.scopes.get(guildId ?? 'global') ?? [];
  }

  /** Bulk overwrite (PUT): replaces the scope, keeping ids of commands whose name survives. */
  overwrite(bodies: RESTPostAPIApplicationCommandsJSONBody[], guildId?: string): APIApplicationCommand[] {
    const old = this.list(guildId);
    const next = bodies.map((b) => this.make(b, guildId, old.find((c) => c.name === b.name)?.id));
    this.scopes.set(guildId ?? 'global', next);
    return next;
  }

  /** Create (POST): upsert by name. */
  upsert(body: RESTPostAPIApplicationCommandsJSONBody, guildId?: string): APIApplicationCommand {
    const list = [...this.list(guildId)];
    const i = list.findIndex((c) => c.name === body.name);
    const cmd = this.make(body, guildId, list[i]?.id);
    if (i >= 0) list[i] = cmd;
    else list.push(cmd);
    this.scopes.set(guildId ?? 'global', list);
    return cmd;
  }

  remove(id: string, guildId?: string): boolean {
    const list = this.list(guildId);
    const next = list.filter((c) => c.id !== id);
    this.scopes.set(guildId ?? 'global', next);
    return next.length !== list.length;
  }

  /** Finds a command by name as a user in `guildId` would see it (guild scope first). */
  find(name: string, guildId?: string): APIApplicationCommand | undefined {
    return (
      (guildId ? this.list(guildId).find((c) => c.name === name) : undefined) ??
      this.list().find((c) => c.name === name)
    );
  }

  private make(
    body: RESTPostAPIApplicationCommandsJSONBody,
    guildId: string | undefined,
    id = this.nextId(),
  ): APIApplicationCommand {
    return {
      ...(body as object),
      id,
      application_id: this.applicationId,
      version: this.nextId(),
      type: body.type ?? 1,
      description: 'description' in body ? (body.description ?? '') : '',
      default_member_permissions: body.default_member_permissions ?? null,
      ...(guildId ? { guild_id: guildId } : {}),
    } as APIApplicationCommand;
  }
}
