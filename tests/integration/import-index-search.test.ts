/**
 * Seeds → SQLite → Meilisearch → search and profile, end to end on a real SQLite database and a
 * real Meilisearch (DESIGN.md "Search", "Data model").
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Meilisearch } from 'meilisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { parties, penalties } from '../../src/db/schema.ts';
import { isIndexStale, rebuildIndex, reindexParty, searchWorkshops, type SearchResult } from '../../src/features/search/search.server.ts';
import { INDEX_UID, MAX_TOTAL_HITS, type SearchQuery, type WorkshopDocument } from '../../src/features/search/search.ts';
import { getPartyProfile } from '../../src/features/workshops/workshop.server.ts';
import { TODAY, publicParties, seededDb, testClient } from './helpers.ts';

const HIDDEN_DECISIONS = [
  // 2020 fine: its disclosure period ended long before TODAY
  '抚广市监稽罚决〔2020〕22号',
  // warning only (当场处罚): never published
  '(兴)市监古当罚〔2025〕72号',
];

let db: Db;
let client: Meilisearch;

async function search(q: string, filters: Omit<SearchQuery, 'q' | 'page'> = {}, page = 1): Promise<SearchResult> {
  const result = await searchWorkshops(db, client, { q, page, ...filters });
  // searchWorkshops falls back to SQLite on any Meilisearch error: every answer here must be Meilisearch's
  expect(result.degraded, `search ${JSON.stringify({ q, ...filters })} fell back to SQLite`).toBe(false);
  return result;
}

function partyOf(id: number) {
  const p = db.select().from(parties).where(eq(parties.id, id)).get();
  if (!p) throw new Error(`party ${id} missing`);
  return p;
}

/** Parties the public sees (a party named only by an expired penalty is not one of them). */
function partyCount(): number {
  return publicParties(db).length;
}

beforeAll(async () => {
  db = seededDb({ demoCount: 300 });
  client = testClient();
  const rebuilt = await rebuildIndex(db, client, { today: TODAY });
  expect(rebuilt.documents).toBe(partyCount());
});

describe('official sampling records', () => {
  it('坤福 finds 江西省坤福食品有限公司 first, with its failed 冰糖姜丝 test as published', async () => {
    const res = await search('坤福');
    expect(res.hits[0]?.name).toBe('江西省坤福食品有限公司');
    const profile = getPartyProfile(db, res.hits[0]?.id ?? 0, TODAY);
    expect(profile).not.toBeNull();
    const test = profile?.samplingTests.find((t) => t.productName === '冰糖姜丝');
    expect(test).toBeDefined();
    expect(test?.result).toBe('fail');
    expect(test?.announcementTitle).toBeTruthy();
    expect(test?.sourceUrl).toMatch(/^https?:\/\//u);
    const item = test?.failedItems.find((i) => i.item === '苯甲酸及其钠盐(以苯甲酸计)');
    expect(item).toBeDefined();
    expect(item?.measuredText).toContain('1.37');
    expect(item?.limitText).toBe('≤1.0 g/kg');
  });

  it('开川 finds 江西开川实业有限公司 first, with the five 菌落总数 values and the n/c/m/M plan of its 葛粉 test', async () => {
    const res = await search('开川');
    expect(res.hits[0]?.name).toBe('江西开川实业有限公司');
    const profile = getPartyProfile(db, res.hits[0]?.id ?? 0, TODAY);
    const items = (profile?.samplingTests ?? []).filter((t) => t.productName === '葛粉').flatMap((t) => t.failedItems);
    const item = items.find((i) => i.measuredValues.length === 5);
    expect(item, JSON.stringify(items)).toBeDefined();
    expect(item?.measuredValues).toEqual([62000, 47000, 82000, 45000, 46000]);
    expect(item?.limit).toMatchObject({ kind: 'plan', n: 5, c: 2, m: 10000, M: 100000 });
  });
});

describe('demo workshops', () => {
  it('米粉 finds a demo workshop whose profile has a verdict with reasons', async () => {
    const res = await search('米粉');
    const hit = res.hits.find((h) => h.kind === 'workshop' && h.demo);
    expect(hit, JSON.stringify(res.hits.map((h) => [h.name, h.kind, h.demo]))).toBeDefined();
    const profile = getPartyProfile(db, hit?.id ?? 0, TODAY);
    expect(profile?.party.source).toBe('demo');
    expect(profile?.verdict.status).toBe(hit?.status);
    expect(profile?.verdict.reasons.length).toBeGreaterThanOrEqual(1);
  });

  it('every 米粉 hit literally contains 米粉 in a searchable field (no near-miss leaks)', async () => {
    const res = await search('米粉');
    expect(res.hits.length).toBeGreaterThan(0);
    const index = client.index<WorkshopDocument>(INDEX_UID);
    for (const h of res.hits) {
      const doc = await index.getDocument(h.id);
      const text = [doc.name, doc.address, doc.countyName, doc.cityName, ...doc.products].join(' ');
      expect(text, doc.name).toContain('米粉');
    }
  });

  it('a full registration no. keeps its leading zeros and ranks its workshop first', async () => {
    const w = db
      .select()
      .from(parties)
      .where(and(eq(parties.source, 'demo'), isNotNull(parties.registrationNo)))
      .all()
      // the demo serial is the last five digits, zero-padded: pick one that starts with 0
      .find((p) => /^[A-Z]+\d{6}0\d{4}$/u.test(p.registrationNo ?? ''));
    expect(w, 'no demo registration no. with a zero-padded serial').toBeDefined();
    const regNo = w?.registrationNo ?? '';
    const res = await search(regNo);
    expect(res.hits[0]?.id).toBe(w?.id);
    expect(res.hits[0]?.registrationNo).toBe(regNo);
    const doc = await client.index<WorkshopDocument>(INDEX_UID).getDocument(w?.id ?? 0);
    expect(doc.registrationNo).toBe(regNo);
  });
});

describe('penalties outside their disclosure period', () => {
  it.each(HIDDEN_DECISIONS)('%s is on file but on no profile and in no search', async (decisionNo) => {
    const rows = db.select().from(penalties).where(eq(penalties.decisionNo, decisionNo)).all();
    expect(rows).toHaveLength(1);
    // the party is known only through this penalty: with it gone, the party is not public at all
    const profile = getPartyProfile(db, rows[0]?.partyId ?? 0, TODAY);
    expect(profile).toBeNull();
    const res = await search(decisionNo);
    expect(res.hits.map((h) => h.name)).toEqual([]);
    const party = db.select().from(parties).where(eq(parties.id, rows[0]?.partyId ?? 0)).get();
    expect((await search(party?.name ?? '')).hits.map((h) => h.id)).not.toContain(party?.id);
  });

  it('a decision no. within its disclosure period finds its party first', async () => {
    const docs = await client.index<WorkshopDocument>(INDEX_UID).getDocuments({ limit: 10_000, fields: ['id', 'decisionNos'] });
    const withPenalty = docs.results.find((d) => d.decisionNos.length > 0);
    expect(withPenalty).toBeDefined();
    const decisionNo = withPenalty?.decisionNos[0] ?? '';
    const res = await search(decisionNo);
    expect(res.hits[0]?.id).toBe(withPenalty?.id);
    expect(getPartyProfile(db, withPenalty?.id ?? 0, TODAY)?.penalties.map((p) => p.decisionNo)).toContain(decisionNo);
  });

  it('no index document carries a hidden decision no. (while public ones are indexed)', async () => {
    const docs = await client.index<WorkshopDocument>(INDEX_UID).getDocuments({ limit: 10_000, fields: ['id', 'decisionNos'] });
    expect(docs.results).toHaveLength(partyCount());
    const indexed = docs.results.flatMap((d) => d.decisionNos);
    for (const n of HIDDEN_DECISIONS) expect(indexed).not.toContain(n);
    // a vacuous pass is no pass: some public (demo) penalty must be indexed
    expect(indexed.length).toBeGreaterThan(0);
  });
});

describe('filters and facets', () => {
  it('the empty query counts every party honestly, below the hit cap', async () => {
    const res = await search('');
    expect(partyCount()).toBeLessThan(MAX_TOTAL_HITS);
    expect(res.total).toBe(partyCount());
    expect(res.totalCapped).toBe(false);
  });

  it('the county facet lists counts that match a county filter', async () => {
    const res = await search('');
    expect(res.facets.county.length).toBeGreaterThan(10);
    for (const f of res.facets.county) {
      expect(f.value).toMatch(/^36\d{4}$/u);
      expect(f.count).toBeGreaterThan(0);
    }
    const sorted = [...res.facets.county].sort((a, b) => b.count - a.count);
    expect(res.facets.county).toEqual(sorted);
    const top = res.facets.county[0];
    const inCounty = publicParties(db).filter((p) => p.countyCode === top?.value).length;
    expect(top?.count).toBe(inCounty);
  });

  it('city filter returns only parties of that city, all of them', async () => {
    const city = '360100';
    const res = await search('', { city });
    const expected = publicParties(db).filter((p) => p.cityCode === city).length;
    expect(expected).toBeGreaterThan(0);
    expect(res.total).toBe(expected);
    expect(res.hits.length).toBeGreaterThan(0);
    for (const h of res.hits) {
      expect(partyOf(h.id).cityCode).toBe(city);
      expect(h.cityName).toBe('南昌市');
    }
  });

  it('county filter with a query returns only matching parties of that county', async () => {
    const all = await search('');
    const county = all.facets.county[0]?.value ?? '';
    const res = await search('', { county });
    expect(res.total).toBe(all.facets.county[0]?.count);
    for (const h of res.hits) expect(partyOf(h.id).countyCode).toBe(county);
    const narrowed = await search('米粉', { county });
    for (const h of narrowed.hits) expect(partyOf(h.id).countyCode).toBe(county);
  });

  it('status filter returns only that verdict status, as many as the facet says', async () => {
    const all = await search('');
    expect(all.facets.status.length).toBeGreaterThan(1);
    for (const f of all.facets.status) {
      const status = f.value as NonNullable<SearchQuery['status']>;
      const res = await search('', { status });
      expect(res.total).toBe(f.count);
      for (const h of res.hits) expect(h.status).toBe(status);
    }
  });

  it('category filter matches the stored food categories', async () => {
    const all = await search('');
    const category = all.facets.category[0]?.value ?? '';
    expect(category).not.toBe('');
    const res = await search('', { category });
    expect(res.total).toBe(all.facets.category[0]?.count);
    for (const h of res.hits) expect(partyOf(h.id).foodCategories).toContain(category);
  });

  it.each(['a"b\\c', 'a\\', '"', '\\"', "o'brien"])('a filter value with quotes or backslashes (%s) is escaped: 0 hits, no error', async (category) => {
    const res = await search('', { category });
    expect(res.hits).toEqual([]);
    expect(res.total).toBe(0);
  });
});

describe('keeping the index in step with SQLite', () => {
  it('isIndexStale is false right after the rebuild and true after a party is added', async () => {
    expect(await isIndexStale(db, client, TODAY)).toBe(false);
    db.insert(parties)
      .values({ kind: 'business', name: '测试新增经营户', source: 'demo', updatedAt: new Date().toISOString() })
      .run();
    expect(await isIndexStale(db, client, TODAY)).toBe(true);
  });

  it('reindexParty makes a renamed party findable by its new name', async () => {
    const target = db.select().from(parties).where(eq(parties.source, 'demo')).get();
    expect(target).toBeDefined();
    const newName = '鑫淼测试更名食品作坊';
    expect((await search(newName)).hits.map((h) => h.id)).not.toContain(target?.id);
    db.update(parties)
      .set({ name: newName, updatedAt: new Date().toISOString() })
      .where(eq(parties.id, target?.id ?? 0))
      .run();
    await reindexParty(db, client, target?.id ?? 0, TODAY);
    const res = await search(newName);
    expect(res.hits[0]?.id).toBe(target?.id);
    expect(res.hits[0]?.name).toBe(newName);
  });
});
