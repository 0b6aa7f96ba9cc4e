// Limits Discord enforces on what a bot sends, so that a bot breaking one fails here as it would
// on Discord. Each check returns Discord's error (400, code 50035 "Invalid Form Body", with the
// per-field `errors` tree Discord sends) or undefined. Pure.
import type { RestResult } from './router.ts';

/** Message content limit (https://discord.com/developers/docs/resources/message#create-message). */
export const MAX_CONTENT = 2000;
/** Autocomplete: at most 25 choices, name and value 1–100 characters
 * (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-autocomplete). */
export const MAX_CHOICES = 25;
export const MAX_CHOICE_TEXT = 100;
/** Webhook names: 1–80 characters (https://discord.com/developers/docs/resources/webhook#create-webhook). */
export const MAX_WEBHOOK_NAME = 80;

/** Discord's first-response deadline and interaction-token lifetime
 * (https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction). */
export const FIRST_RESPONSE_MS = 3000;
export const TOKEN_LIFETIME_MS = 15 * 60_000;

interface FieldError {
  code: string;
  message: string;
}

/** 400/50035 with `errors: { <path>: { _errors: [...] } }`, the shape Discord uses. */
export function invalidFormBody(path: string, error: FieldError): RestResult {
  const errors: Record<string, unknown> = {};
  let node = errors;
  const parts = path.split('.');
  for (const [i, part] of parts.entries()) {
    const next: Record<string, unknown> = i === parts.length - 1 ? { _errors: [error] } : {};
    node[part] = next;
    node = next;
  }
  return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors } };
}

/** Content over 2,000 characters (counted as Discord counts: UTF-16 code units). */
export function contentProblem(body: Record<string, unknown>, path = 'content'): RestResult | undefined {
  const content = body.content;
  if (typeof content === 'string' && content.length > MAX_CONTENT)
    return invalidFormBody(path, {
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${MAX_CONTENT} or fewer in length.`,
    });
  return undefined;
}

/**
 * A webhook name (on create) or username override (on execute). Discord refuses names containing
 * "clyde" or "discord" in any case, and otherwise applies its nickname rules with an 80-character
 * limit: trimmed, not empty (https://discord.com/developers/docs/resources/webhook#create-webhook,
 * https://discord.com/developers/docs/resources/user#usernames-and-nicknames).
 */
export function webhookNameProblem(name: unknown, field: 'name' | 'username'): RestResult | undefined {
  if (name === undefined && field === 'username') return undefined;
  if (typeof name !== 'string')
    return invalidFormBody(field, { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  const trimmed = name.trim();
  if (trimmed.length < 1 || name.length > MAX_WEBHOOK_NAME)
    return invalidFormBody(field, {
      code: 'BASE_TYPE_BAD_LENGTH',
      message: `Must be between 1 and ${MAX_WEBHOOK_NAME} in length.`,
    });
  for (const banned of ['clyde', 'discord'])
    if (trimmed.toLowerCase().includes(banned))
      return invalidFormBody(field, {
        code: 'USERNAME_INVALID_CONTAINS',
        message: `Username cannot contain "${banned}"`,
      });
  return undefined;
}

/** An autocomplete result (callback type 8): at most 25 choices, name and value 1–100 characters. */
export function autocompleteProblem(data: Record<string, unknown>): RestResult | undefined {
  const choices = data.choices;
  if (choices === undefined) return undefined;
  if (!Array.isArray(choices))
    return invalidFormBody('data.choices', {
      code: 'LIST_TYPE_CONVERT',
      message: 'Only iterables may be used in a ListType',
    });
  if (choices.length > MAX_CHOICES)
    return invalidFormBody('data.choices', {
      code: 'BASE_TYPE_BAD_LENGTH',
      message: `Must be between 0 and ${MAX_CHOICES} in length.`,
    });
  for (const [i, c] of choices.entries()) {
    const choice = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
    for (const key of ['name', 'value'] as const) {
      const v = choice[key];
      const text = typeof v === 'number' ? '' : v;
      if (typeof v === 'number' && key === 'value') continue;
      if (typeof text !== 'string' || text.length < 1 || text.length > MAX_CHOICE_TEXT)
        return invalidFormBody(`data.choices.${i}.${key}`, {
          code: 'BASE_TYPE_BAD_LENGTH',
          message: `Must be between 1 and ${MAX_CHOICE_TEXT} in length.`,
        });
    }
  }
  return undefined;
}
