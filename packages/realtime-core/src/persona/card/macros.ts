// Card macros, resolved when text is rendered, not when the card is imported, so `{{user}}` is the person
// being answered at that moment. V1 spec: {{char}}/<BOT> and {{user}}/<USER>, case-insensitive. V3 adds
// <char>, <user>, {{random:…}}, {{pick:…}}, {{roll:N}}, {{reverse:…}}, {{// …}}, {{comment: …}} and
// {{hidden_key: …}}; SillyTavern also writes {{random::a::b}} and {{original}}.
// https://github.com/kwaroran/character-card-spec-v3/blob/main/SPEC_V3.md#curly-braced-syntaxes
// Linear time: the scanner never re-reads text it has passed.

export interface MacroContext {
  /** `{{char}}`: the character's nickname, else its name. */
  char: string;
  /** `{{user}}`: the person being answered, or a neutral stand-in. */
  user: string;
  /** `{{original}}`: what the card's text replaces (the default preamble), '' where nothing is replaced. */
  original?: string;
  /** Injected randomness in [0, 1) for `{{random}}` and `{{roll}}`; without it they are stable like `{{pick}}`. */
  random?: () => number;
  /** Seeds `{{pick}}`, which the V3 spec wants stable for the same prompt. */
  seed?: string;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Splits macro arguments on `,` (escapable as `\,`), or on `::` in SillyTavern's form. */
function options(args: string): string[] {
  if (args.startsWith(':')) return args.slice(1).split('::');
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '\\' && args[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (args[i] === ',') {
      out.push(cur);
      cur = '';
    } else cur += args[i];
  }
  out.push(cur);
  return out;
}

function choose(list: string[], ctx: MacroContext, stableKey: string, stable: boolean): string {
  const r =
    !stable && ctx.random
      ? ctx.random()
      : (hash(`${ctx.seed ?? ''}\u0000${stableKey}`) % 1_000_003) / 1_000_003;
  return list[Math.min(list.length - 1, Math.floor(r * list.length))]!;
}

/** One `{{…}}` body (with no `{{` inside) → its value, or undefined to leave it as written. */
function expand(body: string, ctx: MacroContext, at: number): string | undefined {
  const trimmed = body.trim();
  if (trimmed.startsWith('//')) return '';
  const m = /^([A-Za-z_]+)\s*(?::([\s\S]*))?$/.exec(trimmed);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  const args = m[2];
  switch (name) {
    case 'char':
      return args === undefined ? ctx.char : undefined;
    case 'user':
      return args === undefined ? ctx.user : undefined;
    case 'original':
      return args === undefined ? (ctx.original ?? '') : undefined;
    case 'comment':
    case 'hidden_key':
    case 'noop':
      return '';
    case 'newline':
      return '\n';
    case 'random':
    case 'pick':
      return args === undefined ? undefined : choose(options(args), ctx, `${at}:${args}`, name === 'pick');
    case 'roll': {
      const n = Number((args ?? '').trim().replace(/^d/i, ''));
      if (!Number.isInteger(n) || n < 1 || n > 1_000_000) return undefined;
      const r = ctx.random ? ctx.random() : (hash(`${ctx.seed ?? ''}\u0000roll${at}`) % 1000) / 1000;
      return String(1 + Math.min(n - 1, Math.floor(r * n)));
    }
    case 'reverse':
      return args === undefined ? undefined : Array.from(args).reverse().join('');
    default:
      return undefined;
  }
}

/** One left-to-right pass: each `}}` closes the innermost `{{` opened after the previous macro. */
function pass(text: string, ctx: MacroContext): string {
  let out = '';
  let from = 0;
  for (;;) {
    const close = text.indexOf('}}', from);
    if (close < 0) break;
    // Searching only the text since the last macro keeps the pass linear.
    const rel = text.slice(from, close).lastIndexOf('{{');
    if (rel < 0) {
      out += text.slice(from, close + 2);
      from = close + 2;
      continue;
    }
    const open = from + rel;
    const value = expand(text.slice(open + 2, close), ctx, open);
    out += text.slice(from, open) + (value ?? text.slice(open, close + 2));
    from = close + 2;
  }
  return out + text.slice(from);
}

/** Nesting such as `{{random:{{char}},{{user}}}}` resolves from the inside out, a few levels deep. */
const MAX_PASSES = 4;

/** Resolves the macros in `text`. */
export function renderMacros(text: string, context: MacroContext): string {
  // Names come from Discord and cards: braces in them must not become macros of their own.
  const ctx = {
    ...context,
    char: context.char.replace(/[{}]/g, ''),
    user: context.user.replace(/[{}]/g, ''),
  };
  let out = text.replace(/<(user|bot|char)>/gi, (_, who: string) =>
    who.toLowerCase() === 'user' ? ctx.user : ctx.char,
  );
  for (let i = 0; i < MAX_PASSES && out.includes('{{'); i++) {
    const next = pass(out, ctx);
    if (next === out) break;
    out = next;
  }
  return out;
}
