import { describe, expect, it } from 'vitest';
import { renderMacros } from './macros.ts';

const ctx = { char: 'Izzy', user: 'Ana' };

describe('card macros', () => {
  it('resolves {{char}}/{{user}} and <BOT>/<USER>/<char>/<user>, case-insensitively', () => {
    expect(renderMacros('{{char}} greets {{user}}; {{CHAR}} and {{User}}.', ctx)).toBe(
      'Izzy greets Ana; Izzy and Ana.',
    );
    expect(renderMacros('<BOT> and <bot>, <USER> and <user>, <char>.', ctx)).toBe(
      'Izzy and Izzy, Ana and Ana, Izzy.',
    );
  });

  it('removes comments and hidden keys, and resolves {{original}}', () => {
    expect(renderMacros('a{{// note to self}}b{{comment: hi}}c{{hidden_key: k}}d', ctx)).toBe('abcd');
    expect(renderMacros('{{original}} More.', { ...ctx, original: 'Base.' })).toBe('Base. More.');
    expect(renderMacros('{{original}}', ctx)).toBe('');
  });

  it('picks {{random}} with the injected random, in both spellings, with escaped commas', () => {
    expect(renderMacros('{{random:red,green,blue}}', { ...ctx, random: () => 0.5 })).toBe('green');
    expect(renderMacros('{{random::a::b}}', { ...ctx, random: () => 0.99 })).toBe('b');
    expect(renderMacros('{{random:1\\,5,2}}', { ...ctx, random: () => 0 })).toBe('1,5');
  });

  it('keeps {{pick}} stable for the same text and seed', () => {
    const once = renderMacros('{{pick:a,b,c,d,e,f,g}}', { ...ctx, seed: 's1' });
    for (let i = 0; i < 5; i++)
      expect(renderMacros('{{pick:a,b,c,d,e,f,g}}', { ...ctx, seed: 's1' })).toBe(once);
  });

  it('rolls dice and reverses text', () => {
    expect(renderMacros('{{roll:d6}}', { ...ctx, random: () => 0.999 })).toBe('6');
    expect(renderMacros('{{roll:20}}', { ...ctx, random: () => 0 })).toBe('1');
    expect(renderMacros('{{reverse:abc}}', ctx)).toBe('cba');
  });

  it('resolves nested macros from the inside out', () => {
    expect(renderMacros('{{random:{{char}},{{user}}}}', { ...ctx, random: () => 0.9 })).toBe('Ana');
  });

  it('leaves unknown macros and unbalanced braces as written', () => {
    expect(renderMacros('{{weather}} {{char', ctx)).toBe('{{weather}} {{char');
    expect(renderMacros('}} {{ }}{{user}}', ctx)).toBe('}} {{ }}Ana');
  });

  it('does not let a name smuggle in macros of its own', () => {
    expect(renderMacros('Hi {{user}}', { char: 'Izzy', user: '{{char}}{{random:x,y}}' })).toBe(
      'Hi charrandom:x,y',
    );
  });

  it('stays linear on hostile input', () => {
    const hostile = '{{'.repeat(50_000) + '}}'.repeat(50_000) + '{{// x'.repeat(20_000);
    expect(renderMacros(hostile, ctx).length).toBeGreaterThan(0);
  });
});
