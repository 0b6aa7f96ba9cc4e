import { basePermissions } from '../model/permissions.ts';
import type { RestContext } from './context.ts';
import type { Router } from './router.ts';

/**
 * The current user's guilds (GET /users/@me/guilds): partial guild objects with the bot's
 * permissions in each, as a bot sees them.
 * https://discord.com/developers/docs/resources/user#get-current-user-guilds
 */
export function registerUserRoutes(router: Router, ctx: RestContext): void {
  router.add('GET', '/users/@me/guilds', () => ({
    status: 200,
    body: [...ctx.world.guilds.values()]
      .filter((g) => g.members.has(ctx.world.bot.id))
      .map((g) => ({
        id: g.id,
        name: g.name,
        icon: null,
        banner: null,
        owner: g.ownerId === ctx.world.bot.id,
        permissions: basePermissions(g, ctx.world.bot.id).toString(),
        features: [],
        approximate_member_count: g.members.size,
        approximate_presence_count: 0,
      })),
  }));
}
