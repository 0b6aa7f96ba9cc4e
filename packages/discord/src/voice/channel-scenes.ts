// Each channel's scene settings (mode, addressed-only), kept while the process runs: set with
// /scene mode and /scene addressed-only, read when a session starts there, and followed at once by
// a session that is already running there.
import type { ChannelScene } from '../voice-port.ts';
import type { ChannelSceneSettings } from './types.ts';

/** Channels remembered at most (the least recently changed is forgotten first). */
const MAX_CHANNELS = 10_000;

export class ChannelScenes {
  readonly #byChannel = new Map<string, ChannelSceneSettings>();

  /** The live settings object of a channel (created with the defaults on first use). */
  of(guildId: string, channelId: string): ChannelSceneSettings {
    const key = `${guildId}:${channelId}`;
    let s = this.#byChannel.get(key);
    if (!s) {
      s = { mode: 'lead', addressedOnly: false };
      this.#byChannel.set(key, s);
      if (this.#byChannel.size > MAX_CHANNELS) this.#byChannel.delete(this.#byChannel.keys().next().value!);
    }
    return s;
  }

  /** Applies `change` and returns what changed (the session in that channel follows it). */
  change(guildId: string, channelId: string, change: Partial<ChannelScene>): Partial<ChannelScene> {
    const s = this.of(guildId, channelId);
    const changed: Partial<ChannelScene> = {};
    if (change.mode !== undefined && change.mode !== s.mode) s.mode = changed.mode = change.mode;
    if (change.addressedOnly !== undefined && change.addressedOnly !== s.addressedOnly)
      s.addressedOnly = changed.addressedOnly = change.addressedOnly;
    return changed;
  }
}
