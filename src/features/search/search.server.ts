/**
 * Meilisearch access: index settings, documents built from SQLite, full rebuilds, the staleness
 * check run at start, and the query behind `/search` with its SQLite fallback (degraded mode).
 *
 * Settings are applied and awaited before documents are added; every task is awaited.
 */
import { createHash } from 'node:crypto';
import { Meilisearch, type Hit, type SearchParams, type Settings } from 'meilisearch';
import { and, count, desc, eq, inArray, max, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { exposures, honors, inspections, meta, parties, penalties, samplingTests, type Division, type Party } from '../../db/schema.ts';
import { todayInShanghai } from '../../lib/dates.ts';
import { hasPublicExposure, isPartyPublic, loadDivisions, loadRecords, publicPenalties, verdictFor } from '../workshops/workshop.server.ts';
import { codeTokens, cropAndHighlight, highlightRuns, pinyinSortKey, pinyinTokens, prepareQuery, SEARCHABLE } from './query.ts';
import { indexChars, normalizeText } from './normalize.ts';
import {
  INDEX_UID,
  MAX_TOTAL_HITS,
  PAGE_SIZE,
  SEARCH_SCHEMA_VERSION,
  buildFilter,
  escapeHtml,
  stripMarkers,
  type SearchQuery,
  type WorkshopDocument,
} from './search.ts';

/** Connection settings of the search engine. */
export interface MeiliConnection {
  host: string;
  apiKey?: string;
}

/** A Meilisearch client for `conn`. */
export function meiliClient(conn: MeiliConnection): Meilisearch {
  // A hung engine must not hold a page for long: the SQLite fallback answers instead.
  // Uncompressed answers: Meilisearch writes a compressed answer in two writes without
  // TCP_NODELAY, and the body then waits ~40 ms for the client's delayed ACK (measured on
  // loopback with 1.21: p50 44 ms compressed, 1.9 ms identity). On a LAN the bytes cost less.
  return new Meilisearch({
    host: conn.host,
    apiKey: conn.apiKey,
    timeout: 3000,
    requestInit: { headers: { 'Accept-Encoding': 'identity' } },
  });
}

/**
 * Index settings (DESIGN.md "Search"; the field roles are explained in ./query.ts). Typo tolerance
 * is off: a hit must share a literal run, a code or a pinyin run with the query.
 */
export const indexSettings: Settings = {
  searchableAttributes: [...SEARCHABLE],
  filterableAttributes: ['cityCode', 'countyCode', 'categories', 'status', 'demonstration', 'kind', 'demo', '_geo'],
  sortableAttributes: ['namePinyin', 'updatedAt', '_geo'],
  displayedAttributes: ['id', 'name', 'kind', 'registrationNo', 'uscc', 'products', 'categories', 'address', 'countyCode', 'countyName', 'cityCode', 'cityName', 'status', 'demonstration', 'demo', 'exposed', 'decisionNos', 'namePinyin', 'updatedAt', '_geo'],
  localizedAttributes: [{ attributePatterns: ['*Chars'], locales: ['cmn'] }],
  faceting: { maxValuesPerFacet: 300, sortFacetValuesBy: { '*': 'count' } },
  pagination: { maxTotalHits: MAX_TOTAL_HITS },
  typoTolerance: { enabled: false },
  // no prefix matching: a hit must share a whole pinyin run or code tail with the query (laoli must
  // not find laoliu); Han characters are single-character tokens anyway
  prefixSearch: 'disabled',
  // a chosen order (name, newest, distance) applies to every hit that matches all words
  rankingRules: ['words', 'sort', 'typo', 'proximity', 'attribute', 'exactness'],
  proximityPrecision: 'byWord',
};

/** Builds the search document of one party. */
export function toDocument(
  party: Party,
  records: ReturnType<typeof loadRecords>,
  divisionsByCode: Map<string, Division>,
  today: string,
): WorkshopDocument {
  const verdict = verdictFor(party, records, today);
  const shown = publicPenalties(records.penalties.get(party.id) ?? [], today);
  const clean = (s: string | null) => (s === null ? null : stripMarkers(s));
  const countyName = party.countyCode ? (divisionsByCode.get(party.countyCode)?.name ?? null) : null;
  const cityName = party.cityCode ? (divisionsByCode.get(party.cityCode)?.name ?? null) : null;
  const decisionNos = shown.map((p) => p.decisionNo).filter((n): n is string => !!n);
  const py = pinyinTokens(party.name);
  return {
    id: party.id,
    name: stripMarkers(party.name),
    kind: party.kind,
    registrationNo: party.registrationNo,
    uscc: party.uscc,
    products: party.products.map(stripMarkers),
    categories: party.foodCategories,
    address: clean(party.address),
    countyCode: party.countyCode,
    countyName,
    cityCode: party.cityCode,
    cityName,
    status: verdict.status,
    // 示范 in the verdict: a current demonstration unit with no adverse record (DESIGN.md)
    demonstration: verdict.status === 'demonstration',
    demo: party.source === 'demo',
    exposed: hasPublicExposure(party.id, records, today),
    decisionNos,
    namePinyin: pinyinSortKey(party.name),
    updatedAt: Math.floor(Date.parse(party.updatedAt) / 1000) || 0,
    _geo: party.lat !== null && party.lng !== null ? { lat: party.lat, lng: party.lng } : null,
    nameChars: indexChars(party.name),
    productChars: party.products.map(indexChars),
    placeChars: [countyName, cityName, party.address].filter((v): v is string => !!v).map(indexChars),
    decisionChars: decisionNos.map(indexChars),
    codes: codeTokens(party.registrationNo, party.uscc),
    pinyin: py.full,
    initials: py.initials,
  };
}

/**
 * A fingerprint of what the index should hold: schema version, today's date (verdicts and
 * disclosure periods change with the day), and the size and latest change of every record table.
 */
export function dataFingerprint(db: Db, today: string): string {
  const p = db.select({ n: count(), u: max(parties.updatedAt), m: max(parties.id) }).from(parties).get();
  const parts = [
    SEARCH_SCHEMA_VERSION,
    today,
    JSON.stringify(p),
    JSON.stringify(db.select({ n: count(), m: max(inspections.id) }).from(inspections).get()),
    JSON.stringify(db.select({ n: count(), m: max(samplingTests.id) }).from(samplingTests).get()),
    JSON.stringify(db.select({ n: count(), m: max(penalties.id), r: max(penalties.repairedOn) }).from(penalties).get()),
    JSON.stringify(db.select({ n: count(), m: max(honors.id), w: max(honors.withdrawnOn) }).from(honors).get()),
    JSON.stringify(db.select({ n: count(), m: max(exposures.id), w: max(exposures.withdrawnOn) }).from(exposures).get()),
  ];
  return createHash('sha256').update(parts.join('|')).digest('hex');
}

const FINGERPRINT_KEY = 'searchIndexFingerprint';

/** Raised when a Meilisearch task ends in failure (its error message included). */
export class SearchTaskError extends Error {}

/** Throws SearchTaskError unless the awaited task succeeded. */
function succeeded(task: { status: string; uid: number; type?: string; error?: { message?: string } | null }): void {
  if (task.status !== 'succeeded') throw new SearchTaskError(`Meilisearch task ${task.uid} (${task.type ?? ''}) ${task.status}: ${task.error?.message ?? ''}`);
}

/** Deletes an index when it exists and waits until it is gone. */
async function dropIndex(client: Meilisearch, uid: string): Promise<void> {
  const exists = await client.getIndex(uid).then(
    () => true,
    () => false,
  );
  if (exists) await client.deleteIndex(uid).waitTask({ timeout: 120_000 });
}

/**
 * Rebuilds the index from SQLite: settings first (awaited), then documents in batches of
 * `batchSize`, each task awaited; `onProgress(done, total)` after each batch. The new documents go
 * into a temporary index that is swapped in, so searches keep working during a rebuild.
 */
export async function rebuildIndex(
  db: Db,
  client: Meilisearch,
  options: { today?: string; batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ documents: number; ms: number }> {
  const started = Date.now();
  const today = options.today ?? todayInShanghai();
  const batchSize = options.batchSize ?? 5000;
  const fingerprint = dataFingerprint(db, today);
  const tmpUid = `${INDEX_UID}_rebuild`;
  await dropIndex(client, tmpUid);
  await client.createIndex(tmpUid, { primaryKey: 'id' }).waitTask({ timeout: 60_000 });
  const tmp = client.index<WorkshopDocument>(tmpUid);
  succeeded(await tmp.updateSettings(indexSettings).waitTask({ timeout: 120_000 }));

  const divisionsByCode = loadDivisions(db);
  const records = loadRecords(db);
  const all = db
    .select()
    .from(parties)
    .all()
    .filter((p) => isPartyPublic(p, records, today));
  // every batch is queued first and then awaited: Meilisearch merges queued batches, and the
  // documents of the next batch are built while it indexes (measured at 100k: 68 s → ~31 s)
  const tasks: { uid: number; done: number }[] = [];
  for (let i = 0; i < all.length; i += batchSize) {
    const docs = all.slice(i, i + batchSize).map((p) => toDocument(p, records, divisionsByCode, today));
    const task = await tmp.addDocuments(docs);
    tasks.push({ uid: task.taskUid, done: Math.min(i + batchSize, all.length) });
  }
  for (const task of tasks) {
    succeeded(await client.tasks.waitForTask(task.uid, { timeout: 600_000 }));
    options.onProgress?.(task.done, all.length);
  }
  const exists = await client.getIndex(INDEX_UID).then(
    () => true,
    () => false,
  );
  if (!exists) await client.createIndex(INDEX_UID, { primaryKey: 'id' }).waitTask({ timeout: 60_000 });
  succeeded(await client.swapIndexes([{ indexes: [INDEX_UID, tmpUid], rename: false }]).waitTask({ timeout: 60_000 }));
  // awaited: an incremental update right after a rebuild must not queue behind this deletion
  await dropIndex(client, tmpUid);
  const stored = JSON.stringify({ fingerprint, documents: all.length, day: today });
  db.insert(meta).values({ key: FINGERPRINT_KEY, value: stored }).onConflictDoUpdate({ target: meta.key, set: { value: stored } }).run();
  return { documents: all.length, ms: Date.now() - started };
}

/**
 * Forgets which data the index was built from, so that the next `isIndexStale` answers true and
 * the index is rebuilt (after a restore: the index a Meilisearch holds may be of other data).
 */
export function forgetIndexFingerprint(db: Db): void {
  db.delete(meta).where(eq(meta.key, FINGERPRINT_KEY)).run();
}

/** Whether the index is missing, holds a different number of documents, or is older than the data. */
export async function isIndexStale(db: Db, client: Meilisearch, today = todayInShanghai()): Promise<boolean> {
  const row = db.select().from(meta).where(eq(meta.key, FINGERPRINT_KEY)).get();
  let stored: { fingerprint?: string; documents?: number } = {};
  try {
    stored = row ? (JSON.parse(row.value) as typeof stored) : {};
  } catch {
    return true;
  }
  if (stored.fingerprint !== dataFingerprint(db, today)) return true;
  try {
    const stats = await client.index(INDEX_UID).getStats();
    return stats.numberOfDocuments !== stored.documents;
  } catch {
    return true;
  }
}

/**
 * Incremental update: sends the fresh documents of `partyIds` to the index and removes those that
 * are no longer public (or no longer exist); awaits both tasks. Returns the time taken in ms.
 */
export async function reindexParties(db: Db, client: Meilisearch, partyIds: number[], today = todayInShanghai()): Promise<number> {
  const started = Date.now();
  if (partyIds.length === 0) {
    // nothing to send (a black workshop's exposure…), but the data changed: the index is still fresh
    await refreshFingerprint(db, client, today);
    return Date.now() - started;
  }
  const ids = [...new Set(partyIds)];
  const records = loadRecords(db, ids);
  const divisionsByCode = loadDivisions(db);
  const found = new Map(db.select().from(parties).where(inArray(parties.id, ids)).all().map((p) => [p.id, p]));
  const docs: WorkshopDocument[] = [];
  const gone: number[] = [];
  for (const id of ids) {
    const party = found.get(id);
    if (party && isPartyPublic(party, records, today)) docs.push(toDocument(party, records, divisionsByCode, today));
    else gone.push(id);
  }
  const index = client.index<WorkshopDocument>(INDEX_UID);
  if (docs.length) succeeded(await index.addDocuments(docs).waitTask({ timeout: 60_000, interval: 20 }));
  if (gone.length) succeeded(await index.deleteDocuments(gone).waitTask({ timeout: 60_000, interval: 20 }));
  const elapsed = Date.now() - started;
  await refreshFingerprint(db, client, today);
  return elapsed;
}

/**
 * After an incremental update: when the index was fresh today before the change, it is fresh
 * again — record the new data fingerprint, so that no full rebuild follows (an index from another
 * day stays stale: every verdict may have moved).
 */
async function refreshFingerprint(db: Db, client: Meilisearch, today: string): Promise<void> {
  const previous = db.select().from(meta).where(eq(meta.key, FINGERPRINT_KEY)).get();
  let previousDay: unknown;
  try {
    previousDay = previous ? (JSON.parse(previous.value) as { day?: unknown }).day : null;
  } catch {
    previousDay = null;
  }
  if (previousDay !== today) return;
  const stats = await client.index(INDEX_UID).getStats();
  const stored = JSON.stringify({ fingerprint: dataFingerprint(db, today), documents: stats.numberOfDocuments, day: today });
  db.insert(meta).values({ key: FINGERPRINT_KEY, value: stored }).onConflictDoUpdate({ target: meta.key, set: { value: stored } }).run();
}

/** `reindexParties` for one party. */
export async function reindexParty(db: Db, client: Meilisearch, partyId: number, today = todayInShanghai()): Promise<void> {
  await reindexParties(db, client, [partyId], today);
}

/** One result row as the page renders it; `*Html` fields are escaped HTML with `<mark>`. */
export interface SearchHit {
  id: number;
  /** metres from the given position, when sorting by distance */
  distanceM: number | null;
  name: string;
  nameHtml: string;
  kind: string;
  status: string;
  demo: boolean;
  /** on the 曝光台 (false in degraded mode, which does not compute it) */
  exposed: boolean;
  registrationNo: string | null;
  productsHtml: string;
  addressHtml: string;
  countyCode: string | null;
  countyName: string | null;
  cityName: string | null;
}

/** A facet value with its count; `value` is the filter value (a code for places). */
export interface FacetValue {
  value: string;
  count: number;
}

/** The answer to a search. `degraded` says the SQLite fallback answered (Meilisearch unreachable). */
export interface SearchResult {
  hits: SearchHit[];
  total: number;
  totalCapped: boolean;
  page: number;
  totalPages: number;
  facets: { city: FacetValue[]; county: FacetValue[]; category: FacetValue[]; status: FacetValue[] };
  degraded: boolean;
  processingMs: number;
  /** when the query was longer than Meilisearch reads: the part that was searched (query.ts `fitWords`) */
  searchedAs: string | null;
}

function facetList(dist: Record<string, Record<string, number>> | undefined, name: string): FacetValue[] {
  return Object.entries(dist?.[name] ?? {})
    .map(([value, n]) => ({ value, count: n }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/**
 * Runs a search on Meilisearch; falls back to a SQLite name lookup when it is unreachable.
 * `snippets: false` (the JSON API, which returns only `nameHtml`) leaves `productsHtml` and
 * `addressHtml` empty instead of highlighting and cropping them.
 */
export async function searchWorkshops(db: Db, client: Meilisearch, query: SearchQuery, options: { snippets?: boolean } = {}): Promise<SearchResult> {
  try {
    return await searchMeili(client, query, options.snippets ?? true);
  } catch {
    return searchFallback(db, query);
  }
}

/** Search parameters with page-based pagination (exhaustive totals). */
export type PagedSearchParams = SearchParams & { page: number; hitsPerPage: number };

/**
 * The Meilisearch request behind a query: `{ q, params }` for `index(INDEX_UID).search(q, params)`,
 * and the normalised runs to highlight. The page and the API send exactly this (the benchmark
 * compares against it). Every query word must match (`matchingStrategy: 'all'`): the default
 * drops trailing words until something matches, which would find a party by one character.
 */
export function meiliRequestFor(query: SearchQuery): { q: string; params: PagedSearchParams; runs: string[]; cut: boolean } {
  const prepared = prepareQuery(query.q);
  const sort =
    query.sort === 'name'
      ? ['namePinyin:asc']
      : query.sort === 'updated'
        ? ['updatedAt:desc']
        : query.sort === 'distance' && query.lat !== undefined && query.lng !== undefined
          ? [`_geoPoint(${query.lat}, ${query.lng}):asc`]
          : undefined;
  return {
    q: prepared.q,
    runs: prepared.runs,
    cut: prepared.cut,
    params: {
      filter: buildFilter(query),
      facets: ['cityCode', 'countyCode', 'categories', 'status'],
      page: query.page,
      hitsPerPage: PAGE_SIZE,
      attributesToSearchOn: prepared.attributes,
      matchingStrategy: 'all',
      sort,
      locales: ['cmn'],
    },
  };
}

const emptyChecks = new WeakMap<Meilisearch, { at: number; empty: boolean }>();

/** Whether the index is missing or empty (checked at most every 2 s per client): then SQLite answers. */
async function indexIsEmpty(client: Meilisearch): Promise<boolean> {
  const cached = emptyChecks.get(client);
  if (cached && Date.now() - cached.at < 2000) return cached.empty;
  const stats = await client.index(INDEX_UID).getStats();
  const check = { at: Date.now(), empty: stats.numberOfDocuments === 0 };
  emptyChecks.set(client, check);
  return check.empty;
}

/** The answer to a query that has nothing searchable in it (only punctuation or symbols). */
function nothingToSearch(query: SearchQuery): SearchResult {
  return { hits: [], total: 0, totalCapped: false, page: query.page, totalPages: 1, facets: { city: [], county: [], category: [], status: [] }, degraded: false, processingMs: 0, searchedAs: null };
}

async function searchMeili(client: Meilisearch, query: SearchQuery, snippets: boolean): Promise<SearchResult> {
  if (await indexIsEmpty(client)) throw new Error('search index is empty');
  const { q, params, runs, cut } = meiliRequestFor(query);
  if (query.q.trim() !== '' && q === '') return nothingToSearch(query);
  const res = await client.index<WorkshopDocument>(INDEX_UID).search<WorkshopDocument, PagedSearchParams>(q, params);
  const total = res.totalHits ?? 0;
  return {
    hits: res.hits.map((h) => toHit(h, runs, snippets)),
    total,
    totalCapped: total >= MAX_TOTAL_HITS,
    page: query.page,
    totalPages: Math.max(1, res.totalPages ?? 1),
    facets: {
      city: facetList(res.facetDistribution, 'cityCode'),
      county: facetList(res.facetDistribution, 'countyCode'),
      category: facetList(res.facetDistribution, 'categories'),
      status: facetList(res.facetDistribution, 'status'),
    },
    degraded: false,
    processingMs: res.processingTimeMs,
    searchedAs: cut ? runs.join(' ') : null,
  };
}

function toHit(h: Hit<WorkshopDocument>, runs: string[], snippets: boolean): SearchHit {
  const geo = (h as { _geoDistance?: unknown })._geoDistance;
  return {
    id: h.id,
    distanceM: typeof geo === 'number' ? geo : null,
    name: h.name,
    nameHtml: highlightRuns(h.name, runs),
    kind: h.kind,
    status: h.status,
    demo: h.demo,
    exposed: h.exposed === true,
    registrationNo: h.registrationNo,
    productsHtml: snippets ? highlightRuns(h.products.join('、'), runs) : '',
    addressHtml: snippets && h.address ? cropAndHighlight(h.address, runs, 30) : '',
    countyCode: h.countyCode,
    countyName: h.countyName,
    cityName: h.cityName,
  };
}

/**
 * Degraded mode: a plain name / registration-number lookup in SQLite, no facets, newest first.
 * Verdict statuses are not computed here (the list links to profiles, which compute them).
 */
export function searchFallback(db: Db, query: SearchQuery): SearchResult {
  const started = Date.now();
  const like = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const terms = normalizeText(query.q).split(' ').filter(Boolean);
  if (query.q.trim() !== '' && terms.length === 0) return { ...nothingToSearch(query), degraded: true };
  // parties named only in notices are public only with a public record; penalties need the date
  // rules, so here only sampling, inspection and honor records count (an under-inclusion, never a leak)
  const publicParty = or(
    eq(parties.kind, 'workshop'),
    sql`exists (select 1 from ${samplingTests} where ${samplingTests.partyId} = ${parties.id})`,
    sql`exists (select 1 from ${inspections} where ${inspections.partyId} = ${parties.id})`,
    sql`exists (select 1 from ${honors} where ${honors.partyId} = ${parties.id})`,
  );
  const where = and(
    publicParty,
    ...terms.map((term) => or(sql`${parties.name} LIKE ${like(term)} ESCAPE '\\'`, sql`${parties.registrationNo} LIKE ${like(term.toUpperCase())} ESCAPE '\\'`)),
    query.city ? eq(parties.cityCode, query.city) : undefined,
    query.county ? eq(parties.countyCode, query.county) : undefined,
  );
  const total = db.select({ n: count() }).from(parties).where(where).get()?.n ?? 0;
  const rows = db
    .select()
    .from(parties)
    .where(where)
    .orderBy(desc(parties.updatedAt))
    .limit(PAGE_SIZE)
    .offset((query.page - 1) * PAGE_SIZE)
    .all();
  const divisionsByCode = loadDivisions(db);
  return {
    hits: rows.map((p) => ({
      id: p.id,
      distanceM: null,
      name: p.name,
      nameHtml: escapeHtml(p.name),
      kind: p.kind,
      status: '',
      demo: p.source === 'demo',
      exposed: false,
      registrationNo: p.registrationNo,
      productsHtml: escapeHtml(p.products.join('、')),
      addressHtml: escapeHtml(p.address ?? ''),
      countyCode: p.countyCode,
      countyName: p.countyCode ? (divisionsByCode.get(p.countyCode)?.name ?? null) : null,
      cityName: p.cityCode ? (divisionsByCode.get(p.cityCode)?.name ?? null) : null,
    })),
    total,
    totalCapped: false,
    page: query.page,
    totalPages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    facets: { city: [], county: [], category: [], status: [] },
    degraded: true,
    processingMs: Date.now() - started,
    searchedAs: null,
  };
}

/** Health of the search engine for /healthz. */
export async function searchHealth(client: Meilisearch): Promise<{ status: 'ok' | 'indexing' | 'down'; documents?: number }> {
  try {
    const stats = await client.index(INDEX_UID).getStats();
    return { status: stats.isIndexing ? 'indexing' : 'ok', documents: stats.numberOfDocuments };
  } catch {
    return { status: 'down' };
  }
}

