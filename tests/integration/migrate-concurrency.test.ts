/**
 * Two processes starting at once on the same empty database file (two `npm start`s, or a web
 * process and `npm run import`): both must succeed, migrations applied once, seeds imported once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { count } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { migrationsFolder } from '../../src/db/migrate.ts';
import { divisions, parties } from '../../src/db/schema.ts';
import { SEEDS_DIR, TODAY, seededDb } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./fixtures/seed-child.ts', import.meta.url));
const journalEntries = (JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
const tmp = mkdtempSync(path.join(tmpdir(), 'fangxin-it-migrate-'));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(file: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, file, SEEDS_DIR, TODAY], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parties of one seeding with 50 demo workshops (official parties + demo workshops). */
function partiesOfOneSeeding(): number {
  const db = seededDb({ demoCount: 50 });
  try {
    return db.select({ n: count() }).from(parties).get()?.n ?? 0;
  } finally {
    db.$client.close();
  }
}

describe('two processes migrate and seed one empty file at the same time', () => {
  const expectedParties = partiesOfOneSeeding();

  it.each([1, 2, 3])('round %i: both exit 0, one seeds, nothing is doubled', async (round) => {
    const file = path.join(tmp, `race-${round}.db`);
    const results = await Promise.all([runChild(file), runChild(file)]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const seeded = results.map((r) => (JSON.parse(r.stdout) as { seeded: boolean }).seeded).sort();
    expect(seeded).toEqual([false, true]);

    const db = openDatabase(file);
    try {
      expect(db.select({ n: count() }).from(divisions).get()?.n).toBe(112);
      expect(db.select({ n: count() }).from(parties).get()?.n).toBe(expectedParties);
      // each committed migration recorded once
      const applied = db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
      expect(applied.n).toBe(journalEntries);
    } finally {
      db.$client.close();
    }
  });
});
