// Autocomplete for a `voice` option: the provider's voice catalogue (its Chinese names shown), the
// custom and cloned voices this server's personas already use, and a cloned id being typed. When
// the persona is known (/persona edit), the voice its card suggests comes first, marked as such.
import {
  DEFAULT_VOICE_CATALOGUE,
  type Persona,
  suggestVoice,
  type VoiceCatalogueEntry,
  type VoiceInfo,
} from '@troupe/realtime-core';
import type { Translator } from '../i18n/translate.ts';
import { MAX_CHOICES } from '../personas/registry.ts';

const CLONED = /^voice-tone-[A-Za-z0-9]{4,64}$/;

interface Candidate {
  id: string;
  label?: string | undefined;
  hint?: string | undefined;
  rank: number;
}

function describe(entry: VoiceCatalogueEntry | undefined): string | undefined {
  if (!entry) return undefined;
  return [entry.gender, entry.age].filter(Boolean).join(', ') || undefined;
}

export function voiceChoices(o: {
  catalogue: readonly VoiceInfo[];
  /** The server's personas (their voices are offered too). */
  personas: readonly Persona[];
  query: unknown;
  tr: Translator;
  /** The persona the voice is for, when known: its card's suggestion leads. */
  forPersona?: Persona | undefined;
}): { name: string; value: string }[] {
  const q = typeof o.query === 'string' ? o.query.trim().toLowerCase().slice(0, 64) : '';
  const byId = new Map<string, Candidate>();
  const add = (c: Candidate) => {
    const had = byId.get(c.id);
    if (!had || c.rank < had.rank) byId.set(c.id, { ...had, ...c, label: c.label ?? had?.label });
  };
  for (const v of o.catalogue) {
    const traits = describe(DEFAULT_VOICE_CATALOGUE.find((d) => d.id === v.id));
    add({ id: v.id, label: [v.name, traits].filter(Boolean).join(', ') || undefined, rank: traits ? 2 : 3 });
  }
  for (const p of o.personas)
    if (!byId.has(p.voice))
      add({
        id: p.voice,
        hint: CLONED.test(p.voice)
          ? o.tr.t('voice.choice.cloned')
          : o.tr.t('voice.choice.inUse', { persona: p.name }),
        rank: 1,
      });
  const typed = typeof o.query === 'string' ? o.query.trim() : '';
  if (CLONED.test(typed)) add({ id: typed, hint: o.tr.t('voice.choice.cloned'), rank: 0 });
  const card = o.forPersona?.card;
  if (card && o.forPersona) {
    const suggestion = suggestVoice(card).voice;
    add({ id: suggestion, hint: o.tr.t('voice.choice.suggested', { persona: o.forPersona.name }), rank: 0 });
  }
  const matches = (c: Candidate) =>
    !q || c.id.toLowerCase().includes(q) || !!c.label?.toLowerCase().includes(q);
  return [...byId.values()]
    .filter(matches)
    .sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id))
    .slice(0, MAX_CHOICES)
    .map((c) => {
      const extra = [c.label, c.hint].filter(Boolean).join(' · ');
      const name = extra ? `${c.id} — ${extra}` : c.id;
      return { name: name.length > 100 ? `${name.slice(0, 99)}…` : name, value: c.id };
    });
}
