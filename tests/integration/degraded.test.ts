/**
 * Degraded search (DESIGN.md "Search"): with Meilisearch unreachable the search still answers,
 * from a SQLite name lookup, and says so; it never throws.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { meiliClient, searchWorkshops } from '../../src/features/search/search.server.ts';
import { publicParties, seededDb } from './helpers.ts';

// nothing listens on port 1: every request is refused at once
const down = meiliClient({ host: 'http://127.0.0.1:1' });
let db: Db;

beforeAll(() => {
  db = seededDb({ demoCount: 50 });
});

describe('search with Meilisearch down', () => {
  it('answers 坤福 from SQLite, flagged degraded, without throwing', async () => {
    const res = await searchWorkshops(db, down, { q: '坤福', page: 1 });
    expect(res.degraded).toBe(true);
    expect(res.hits.map((h) => h.name)).toContain('江西省坤福食品有限公司');
    for (const h of res.hits) expect(h.name).toContain('坤福');
    expect(res.total).toBe(res.hits.length);
    expect(res.facets).toEqual({ city: [], county: [], category: [], status: [] });
  });

  it('ignores nothing silently: the empty query lists every public party, paged', async () => {
    const res = await searchWorkshops(db, down, { q: '', page: 2 });
    const n = publicParties(db).length;
    expect(res.degraded).toBe(true);
    expect(res.total).toBe(n);
    expect(res.page).toBe(2);
    expect(res.hits.length).toBeGreaterThan(0);
  });

  it('never lets LIKE wildcards act as wildcards: punctuation is normalised away', async () => {
    for (const q of ['%', '_', '\\']) {
      const res = await searchWorkshops(db, down, { q, page: 1 });
      expect(res.degraded).toBe(true);
      expect(res.total).toBe(0);
    }
    for (const q of ['坤%福', '坤_福']) {
      const res = await searchWorkshops(db, down, { q, page: 1 });
      expect(res.hits.map((h) => h.name)).toEqual(['江西省坤福食品有限公司']);
    }
  });

  it('escapes names for HTML in the fallback too', async () => {
    const res = await searchWorkshops(db, down, { q: '坤福', page: 1 });
    for (const h of res.hits) expect(h.nameHtml).not.toMatch(/<(?!\/?mark>)/u);
  });
});
