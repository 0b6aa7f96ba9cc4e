import { DatabaseSync } from 'node:sqlite';
import { migrateSqlite, SQLITE_MIGRATIONS } from '../src/sqlite/sqlite-migrations.ts';
import { PIRATE } from '../src/testing/contract/settings-personas.ts';

/** A file as apps/discord-bot's store left it: migrations 1 and 2, one row in every table. */
export function writeBotFile(path: string): void {
  const db = new DatabaseSync(path);
  migrateSqlite(db, SQLITE_MIGRATIONS.slice(0, 2));
  db.exec(`
    INSERT INTO guild_settings VALUES ('111', 'pirate', 1, 'tc', 30, 'role');
    INSERT INTO guild_personas VALUES ('111', 'pirate', '${JSON.stringify(PIRATE).replaceAll("'", "''")}', 'u1', 5);
    INSERT INTO usage_daily VALUES ('111', '2026-01-01', 60000, 30000, 1);
    INSERT INTO user_optout VALUES ('111', 'u2', 7);
    INSERT INTO voice_sessions VALUES ('111', 'vc', 'pirate', 9);
  `);
  db.close();
}
