// What a command answers with: the private (ephemeral) reply to whoever ran it. Public state
// changes are posted separately, in the server's language, through CommandContext.announce.
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord.js';

/** A message body as Discord takes it (content and/or embeds, plus buttons). */
export interface MessageBody {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/** Discord refuses message contents over 2000 characters (the user would wait forever): clip. */
export function clip(text: string, max = 1900): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Shorthand for a plain-text body. */
export function plain(content: string): MessageBody {
  return { content: clip(content) };
}

/** All text a body shows (content, embed titles, descriptions, fields, footers), for logs and tests. */
export function bodyText(body: MessageBody): string {
  const parts: string[] = [];
  if (body.content) parts.push(body.content);
  for (const e of body.embeds ?? []) {
    for (const s of [e.title, e.description]) if (s) parts.push(s);
    for (const f of e.fields ?? []) parts.push(f.name, f.value);
    if (e.footer?.text) parts.push(e.footer.text);
  }
  return parts.join('\n');
}
