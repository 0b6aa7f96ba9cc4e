// Why a guild's last voice session ended or failed to start, in the operator's words ("Check
// STEPFUN_API_KEY …"). That advice is for admins: /voice status shows it to them only, and it is
// logged; public notices carry a plain-language reason instead.

/** One recorded reason. */
export interface GuildDiagnostic {
  atMs: number;
  reason: string;
  detail: string;
}

/** The most recent operator-level reason per guild (in memory; one line per guild). */
export class GuildDiagnostics {
  readonly #last = new Map<string, GuildDiagnostic>();

  record(guildId: string, d: GuildDiagnostic): void {
    this.#last.set(guildId, d);
  }

  get(guildId: string): GuildDiagnostic | undefined {
    return this.#last.get(guildId);
  }

  forget(guildId: string): void {
    this.#last.delete(guildId);
  }
}
