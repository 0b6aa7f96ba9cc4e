import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeVoice, silentLogger } from '@troupe/discord/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand, startHarness } from '../../src/demo/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'troupe-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('restart', () => {
  it('keeps settings set by slash command after the bot restarts on the same SQLite file', async () => {
    const dbPath = join(dir, 'troupe.sqlite');
    const first = await startHarness({ logger: silentLogger(), dbPath, createVoice: () => new FakeVoice() });
    try {
      await runCommand(first, 'Admin', 'settings', 'cap', { minutes: 42 });
      await runCommand(first, 'Admin', 'settings', 'default-persona', { persona: 'shuoshu-ren' });
    } finally {
      await first.close();
    }
    const second = await startHarness({ logger: silentLogger(), dbPath, createVoice: () => new FakeVoice() });
    try {
      const shown = (await runCommand(second, 'Admin', 'settings', 'show')).content;
      expect(shown).toContain('42 min');
      expect(shown).toContain('shuoshu-ren');
    } finally {
      await second.close();
    }
  });
});
