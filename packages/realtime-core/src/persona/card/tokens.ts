// A conservative token estimate for lore budgets, without shipping a tokenizer. StepFun does not publish
// its tokenizer, so the estimate errs high on purpose: over-counting only means a little less lore fits,
// while under-counting would overrun the budget a card asked for.
//
// The rules (per Unicode code point):
// - CJK ideographs, kana and hangul: 1.5 tokens each. Byte-level BPE vocabularies spend 1 token on common
//   characters and 2–3 on rarer ones; Chinese-first vocabularies spend less than one.
// - Runs of ASCII letters and digits: one token per started 3 characters ("the" 1, "dragon" 2). English
//   averages about 4 characters per token, so this over-counts by roughly a third.
// - Other letters and digits (accented Latin, Cyrillic, Greek…): one token per started 2 characters.
// - Punctuation and symbols: 1 token each; characters outside the BMP (emoji): 2 tokens each.
// - Whitespace: free (tokenizers fold it into the next token).

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
const ASCII_ALNUM = /[A-Za-z0-9]/;
const OTHER_ALNUM = /[\p{L}\p{N}\p{M}]/u;
const SPACE = /\s/;

/** Estimated tokens in `text` (an upper bound in practice, not a promise). */
export function estimateTokens(text: string): number {
  let halves = 0; // in half tokens, so the 1.5-token CJK rule stays integral
  let asciiRun = 0;
  let otherRun = 0;
  const flush = () => {
    halves += 2 * Math.ceil(asciiRun / 3) + 2 * Math.ceil(otherRun / 2);
    asciiRun = 0;
    otherRun = 0;
  };
  for (const ch of text) {
    if (ASCII_ALNUM.test(ch)) {
      if (otherRun) flush();
      asciiRun++;
      continue;
    }
    if (CJK.test(ch)) {
      flush();
      halves += 3;
    } else if (OTHER_ALNUM.test(ch)) {
      if (asciiRun) flush();
      otherRun++;
    } else {
      flush();
      if (!SPACE.test(ch)) halves += ch.length > 1 ? 4 : 2;
    }
  }
  flush();
  return Math.ceil(halves / 2);
}
