/**
 * The supervised local Meilisearch comes back by itself after it dies, and search recovers from
 * the SQLite fallback without a restart of the site.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { superviseMeilisearch, type LocalMeili } from '../../src/features/search/local-meili.ts';
import { meiliClient, rebuildIndex, searchWorkshops } from '../../src/features/search/search.server.ts';
import { TODAY, seededDb } from './helpers.ts';

let dir: string;
let meili: LocalMeili;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-supervisor-'));
  meili = await superviseMeilisearch({ dataDir: dir });
  db = seededDb({ demoCount: 50 });
  await rebuildIndex(db, meiliClient({ host: meili.host, apiKey: meili.masterKey }), { today: TODAY });
});

afterAll(async () => {
  await meili.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('a killed local Meilisearch', () => {
  it('degrades to SQLite while down, then recovers by itself', async () => {
    const client = meiliClient({ host: meili.host, apiKey: meili.masterKey });
    const before = meili.pid();
    expect(before).toBeDefined();
    process.kill(before ?? 0, 'SIGKILL');
    const degraded = await until(async () => (await searchWorkshops(db, client, { q: '坤福', page: 1 })).degraded, 5000);
    expect(degraded).toBe(true);
    const back = await until(async () => {
      const res = await searchWorkshops(db, client, { q: '坤福', page: 1 });
      return !res.degraded && res.hits[0]?.name === '江西省坤福食品有限公司';
    }, 30_000);
    expect(back).toBe(true);
    expect(meili.pid()).not.toBe(before);
  });
});
