import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { nodeCheck } from './local-checks.ts';
import { stepfunCheck } from './main.ts';
import { channelPermissions, guildPermissions, missing, VOICE_NEEDS } from './permissions.ts';
import { fail, formatCheck, ok, summarize, warn } from './report.ts';

const P = PermissionFlagsBits;
const bits = (...b: bigint[]) => b.reduce((a, x) => a | x, 0n).toString();

describe('doctor', () => {
  it('computes the bot’s permissions the way Discord does (roles, then @everyone, role and member overwrites)', () => {
    const roles = [
      { id: 'g', permissions: bits(P.ViewChannel, P.SendMessages, P.Connect) },
      { id: 'bot-role', permissions: bits(P.Speak) },
      { id: 'admin', permissions: bits(P.Administrator) },
    ];
    const ids = { guildId: 'g', memberId: 'b', memberRoles: ['bot-role'] };
    const base = guildPermissions({ ...ids, ownerId: 'o', roles });
    expect(missing(base, VOICE_NEEDS)).toEqual([]);
    const channel = (overwrites: { id: string; type: number; allow?: bigint; deny?: bigint }[]) => ({
      id: 'c',
      type: 2,
      permission_overwrites: overwrites.map((w) => ({
        id: w.id,
        type: w.type,
        allow: String(w.allow ?? 0n),
        deny: String(w.deny ?? 0n),
      })),
    });
    expect(
      missing(channelPermissions(base, channel([{ id: 'g', type: 0, deny: P.Connect }]), ids), VOICE_NEEDS),
    ).toEqual(['Connect']);
    // A role overwrite beats @everyone's; a member overwrite beats both.
    const c = channel([
      { id: 'g', type: 0, deny: P.Speak },
      { id: 'bot-role', type: 0, allow: P.Speak, deny: P.SendMessages },
      { id: 'b', type: 1, allow: P.SendMessages },
    ]);
    expect(missing(channelPermissions(base, c, ids), VOICE_NEEDS)).toEqual([]);
    const admin = guildPermissions({ ...ids, memberRoles: ['admin'], ownerId: 'o', roles });
    expect(
      missing(
        channelPermissions(admin, channel([{ id: 'g', type: 0, deny: P.ViewChannel }]), ids),
        VOICE_NEEDS,
      ),
    ).toEqual([]);
  });

  it('prints one line per check, with the fix for problems, and fails the run on any ✘', () => {
    expect(formatCheck(ok('Node', '24.21.0'))).toBe('✔ Node           24.21.0');
    expect(formatCheck(fail('Metrics', 'port 9000\nin use', 'choose another'))).toBe(
      '✘ Metrics        port 9000 in use — fix: choose another',
    );
    expect(summarize([ok('a', 'x'), warn('b', 'y', 'z')])).toMatchObject({ exitCode: 0 });
    expect(summarize([ok('a', 'x'), fail('b', 'y', 'z')])).toMatchObject({ exitCode: 1 });
  });

  it('turns the core probe’s verdict into one line with its fix', async () => {
    const target = { url: 'wss://api.stepfun.com/v1/realtime', voice: 'linjiajiejie' };
    const refused = await stepfunCheck(
      {
        ok: false,
        failure: 'model',
        setting: 'model',
        fatal: true,
        message:
          'The realtime server refused model "x": HTTP 400. Fix: use one of the model ids StepFun lists.',
        fix: 'use one of the model ids StepFun lists',
        httpStatus: 400,
      },
      target,
    );
    expect(formatCheck(refused)).toBe(
      '✘ StepFun        api.stepfun.com: The realtime server refused model "x": HTTP 400. — fix: use one of the model ids StepFun lists',
    );
    const fine = await stepfunCheck(
      { ok: true, model: 'stepaudio-2.5-realtime', traceId: 't1', warnings: [] },
      target,
    );
    expect(formatCheck(fine)).toBe(
      '✔ StepFun        api.stepfun.com: model stepaudio-2.5-realtime accepted the key and voice linjiajiejie (trace t1)',
    );
  });

  it('accepts Node 24.17+ only', () => {
    expect(nodeCheck('24.21.0').status).toBe('ok');
    expect(nodeCheck('24.3.0').status).toBe('fail');
    expect(formatCheck(nodeCheck('20.20.2'))).toMatch(
      /^✘ Node +20\.20\.2, but Troupe needs Node 24 .* — fix: run through pnpm/,
    );
  });
});
