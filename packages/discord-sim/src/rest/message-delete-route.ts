import type { RestContext } from './context.ts';
import { discordError, type Router } from './router.ts';

/**
 * The bot deletes one of its own channel messages (no permission needed for its own):
 * DELETE /channels/:channel/messages/:message → 204.
 * https://discord.com/developers/docs/resources/message#delete-message
 */
export function registerMessageDeleteRoute(router: Router, ctx: RestContext): void {
  router.add('DELETE', '/channels/:channel/messages/:message', (req) => {
    const m = ctx.messages.find(
      (x) => x.id === req.params.message && x.channelId === req.params.channel && x.via !== 'interaction',
    );
    if (!m || m.deleted) return discordError(404, 10008, 'Unknown Message');
    m.deleted = true;
    return { status: 204 };
  });
}
