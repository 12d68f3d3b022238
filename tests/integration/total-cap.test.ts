/**
 * Past Meilisearch's hit cap (`pagination.maxTotalHits`): totals are flagged as capped ("1000+")
 * rather than shown as an exact but wrong number, and the facets still cover every county.
 */
import { count, eq } from 'drizzle-orm';
import type { Meilisearch } from 'meilisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { divisions, parties } from '../../src/db/schema.ts';
import { rebuildIndex, searchWorkshops } from '../../src/features/search/search.server.ts';
import { MAX_TOTAL_HITS, formatTotal } from '../../src/features/search/search.ts';
import { TODAY, seededDb, testClient } from './helpers.ts';

let db: Db;
let client: Meilisearch;

beforeAll(async () => {
  db = seededDb({ demoCount: 1500 });
  client = testClient();
  await rebuildIndex(db, client, { today: TODAY });
});

describe('1,500 demo workshops', () => {
  it('the empty query reports a capped total', async () => {
    const n = db.select({ n: count() }).from(parties).get()?.n ?? 0;
    expect(n).toBeGreaterThan(MAX_TOTAL_HITS);
    const res = await searchWorkshops(db, client, { q: '', page: 1 });
    expect(res.degraded).toBe(false);
    expect(res.totalCapped).toBe(true);
    expect(formatTotal(res.total)).toBe(`${MAX_TOTAL_HITS}+`);
  });

  it('the county facet lists all 100 counties', async () => {
    const res = await searchWorkshops(db, client, { q: '', page: 1 });
    const counties = db.select({ n: count() }).from(divisions).where(eq(divisions.level, 'county')).get()?.n;
    expect(counties).toBe(100);
    expect(res.facets.county).toHaveLength(100);
  });
});
