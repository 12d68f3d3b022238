/**
 * Search relevance on a fixed fixture (tests/fixtures/relevance-workshops.ts), against the real
 * Meilisearch of the run: one table of cases, each named after the rule of DESIGN.md "Search" it
 * checks. Every case asserts that Meilisearch answered (no SQLite fallback), the first hit, hits
 * that must and must not appear, and exact totals where the fixture fixes them. Every hit of every
 * query with Chinese characters must literally contain each normalised run of the query.
 */
import type { Meilisearch } from 'meilisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { normalizeText } from '../../src/features/search/normalize.ts';
import { pinyinSortKey, prepareQuery } from '../../src/features/search/query.ts';
import { rebuildIndex, searchWorkshops, type SearchHit, type SearchResult } from '../../src/features/search/search.server.ts';
import { PAGE_SIZE, type SearchQuery } from '../../src/features/search/search.ts';
import {
  DEMONSTRATION,
  HONGYUN_REG_NO,
  HONGYUN_USCC,
  INSPECTED_WORKSHOPS,
  LAOLI_REG_NO,
  LVYUAN_USCC,
  PENALISED,
  PENALTY_DECISION_NO,
  RELEVANCE_WORKSHOPS,
  ZERO_LEADING_REG_NO,
  loadRelevanceFixture,
  type RelevanceParty,
} from '../fixtures/relevance-workshops.ts';
import { TODAY, freshDb, testClient } from './helpers.ts';

const HONGYUN = '鸿运（东湖）食品加工坊';
const LAOLI = '老李米粉坊';
const AXIANG = '阿香米粉店';
const LIJI = '李记腊肉作坊';
const LIJI_HOMOPHONE = '礼记腊肉作坊';
const LIJI_TOFU = '理记豆腐坊';
const HEXIN = '合欣米粉作坊';
const KAICHUAN = '开川葛粉坊';
const ABC = 'ABC食品坊';
const LAOWANG = '“老王”豆腐坊';
const JINQIAO = '【金桥】粉干坊';
const JINJI = 'JIN记酱菜坊';
const HUBIN = '湖滨豆腐坊';
const LVYUAN = '江西绿源食品有限公司';

// ---------------------------------------------------------------------------------------------
// Expectations computed from the fixture itself (never from the index)

const W = RELEVANCE_WORKSHOPS;

function party(name: string): RelevanceParty {
  const p = W.find((w) => w.name === name);
  if (!p) throw new Error(`no fixture party named ${name}`);
  return p;
}

/** Normalised text without spaces: what "literally contains" compares. */
function squash(text: string): string {
  return normalizeText(text).replace(/ /gu, '');
}

/** Fixture parties whose name, products or address literally contain `run` (normalised). */
function literally(run: string): RelevanceParty[] {
  const needle = squash(run);
  return W.filter((p) => [p.name, ...p.products, p.address].some((f) => squash(f).includes(needle)));
}

const names = (list: readonly RelevanceParty[]): string[] => list.map((p) => p.name);

/** The 29 parties with 米粉 in their name or products: two pages. */
const MIFEN = names(literally('米粉'));
/** The 27 names with 米粉: what the pinyin `mifen` finds. */
const MIFEN_NAMES = W.filter((p) => p.name.includes('米粉')).map((p) => p.name);

const byPinyin = (a: string, b: string): number => {
  const ka = pinyinSortKey(a);
  const kb = pinyinSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};
const newestFirst = (a: string, b: string): number => party(b).updatedAt.localeCompare(party(a).updatedAt);

/** Great-circle distance in metres (haversine, mean Earth radius). */
function metres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** Fixture parties with a position among `pool`, nearest to (lat, lng) first. */
function nearest(lat: number, lng: number, pool: readonly RelevanceParty[] = W): { name: string; m: number }[] {
  return pool
    .flatMap((p) => (p.lat !== undefined && p.lng !== undefined ? [{ name: p.name, m: metres(lat, lng, p.lat, p.lng) }] : []))
    .sort((a, b) => a.m - b.m);
}

/** Half-width printable ASCII to its full-width form (Ａ, ０ …). */
function fullWidth(text: string): string {
  return text.replace(/[!-~]/gu, (c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0));
}

// ---------------------------------------------------------------------------------------------
// The cases

/** What a case may use besides the result of its own query. */
interface CaseContext {
  search(query: Partial<SearchQuery>): Promise<SearchResult>;
}

/** One relevance case: a query and what its result must show. */
interface RelevanceCase {
  /** the rule it checks */
  name: string;
  query: Partial<SearchQuery>;
  /** name of the first hit */
  first?: string;
  /** names that must be on the page */
  includes?: string[];
  /** names that must not be on the page */
  excludes?: string[];
  /** exact total */
  total?: number;
  /** exact names of the page, in order */
  order?: string[];
  /** further assertions */
  check?: (res: SearchResult, ctx: CaseContext) => void | Promise<void>;
}

const hitNames = (hits: readonly SearchHit[]): string[] => hits.map((h) => h.name);

/** Pages 1 and 2 of `query`, concatenated; the total is the same on both. */
async function twoPages(ctx: CaseContext, query: Partial<SearchQuery>): Promise<string[]> {
  const p1 = await ctx.search({ ...query, page: 1 });
  const p2 = await ctx.search({ ...query, page: 2 });
  expect(p2.total).toBe(p1.total);
  expect(p1.hits).toHaveLength(PAGE_SIZE);
  return [...hitNames(p1.hits), ...hitNames(p2.hits)];
}

function distanceCase(name: string, lat: number, lng: number, q: string): RelevanceCase {
  const pool = q ? literally(q) : W;
  const expected = nearest(lat, lng, pool);
  return {
    name,
    query: { q, sort: 'distance', lat, lng },
    first: expected[0]?.name,
    check: (res) => {
      const located = res.hits.slice(0, expected.length);
      expect(hitNames(located)).toEqual(expected.map((e) => e.name));
      let last = -1;
      located.forEach((h, i) => {
        expect(h.distanceM, h.name).not.toBeNull();
        const d = h.distanceM ?? -1;
        expect(d, `${h.name} after ${last} m`).toBeGreaterThanOrEqual(last);
        // Meilisearch's distance agrees with the haversine distance (±1% and 100 m)
        expect(Math.abs(d - (expected[i]?.m ?? 0)), h.name).toBeLessThanOrEqual((expected[i]?.m ?? 0) * 0.01 + 100);
        last = d;
      });
      // parties without a position come after every located one, without a distance
      for (const h of res.hits.slice(expected.length)) expect(h.distanceM, h.name).toBeNull();
    },
  };
}

const cases: RelevanceCase[] = [
  // --- substrings: any run of characters of a name finds it
  { name: 'substring: 食品 finds 鸿运（东湖）食品加工坊', query: { q: '食品' }, includes: [HONGYUN, ABC, LVYUAN], total: literally('食品').length },
  { name: 'substring: 加工坊 finds 鸿运（东湖）食品加工坊', query: { q: '加工坊' }, includes: [HONGYUN, '永丰米粉加工坊'], total: 2 },
  { name: 'substring: 鸿运 finds 鸿运（东湖）食品加工坊 only', query: { q: '鸿运' }, first: HONGYUN, total: 1 },
  { name: 'substring: "东湖 食品" (two words) finds 鸿运（东湖）食品加工坊 first', query: { q: '东湖 食品' }, first: HONGYUN },
  { name: 'substring: 东湖食品 spans the bracket of the name', query: { q: '东湖食品' }, first: HONGYUN, total: 1 },
  { name: 'substring: 食品加工 finds 鸿运（东湖）食品加工坊 only', query: { q: '食品加工' }, first: HONGYUN, total: 1 },
  {
    name: 'substring: 东湖 ranks the name match above county and address matches',
    query: { q: '东湖' },
    first: HONGYUN,
    includes: [HUBIN, '沿江米粉坊', LIJI_HOMOPHONE, '都昌米粉坊'],
    total: W.filter((p) => p.countyCode === '360102' || literally('东湖').includes(p)).length,
  },
  { name: 'substring: the full name without its brackets finds it first', query: { q: '鸿运东湖食品加工坊' }, first: HONGYUN, total: 1 },
  {
    name: 'place + product typed without a space (东湖米粉) finds what "东湖 米粉" finds',
    query: { q: '东湖米粉' },
    check: async (res, ctx) => {
      const spaced = await ctx.search({ q: '东湖 米粉' });
      expect(spaced.total).toBeGreaterThan(0);
      expect(res.total).toBe(spaced.total);
      expect(hitNames(res.hits).sort()).toEqual(hitNames(spaced.hits).sort());
    },
  },
  {
    name: 'a query longer than ten characters is searched by its head, and says so',
    query: { q: '江西绿源食品有限公司出品' },
    first: LVYUAN,
    check: (res) => {
      expect(res.searchedAs).toBe('江西 绿源食品有限公司');
    },
  },

  // --- NFKC: full-width letters and digits
  { name: 'NFKC: full-width ａｂｃ finds ABC食品坊', query: { q: 'ａｂｃ' }, first: ABC, total: 1 },
  { name: 'NFKC: full-width upper case ＡＢＣ食品 finds ABC食品坊', query: { q: 'ＡＢＣ食品' }, first: ABC, total: 1 },
  { name: 'NFKC: mixed case Abc finds ABC食品坊', query: { q: 'Abc' }, first: ABC, total: 1 },
  {
    name: 'NFKC: full-width registration no. ＸＺＦ３６０１０２０００１２ finds its workshop first',
    query: { q: fullWidth(HONGYUN_REG_NO) },
    first: HONGYUN,
  },
  { name: 'NFKC: full-width lower-case registration no. finds its workshop first', query: { q: fullWidth(HONGYUN_REG_NO.toLowerCase()) }, first: HONGYUN },
  { name: 'NFKC: full-width credit code finds its workshop first', query: { q: fullWidth(HONGYUN_USCC) }, first: HONGYUN },
  { name: 'NFKC: full-width serial tail ０００１２ finds its workshop first', query: { q: '０００１２' }, first: HONGYUN },

  // --- traditional to simplified
  { name: 'traditional: 開川 finds 开川葛粉坊', query: { q: '開川' }, first: KAICHUAN, total: 1 },
  { name: 'traditional: 糕點 finds the 糕点 workshops', query: { q: '糕點' }, includes: [DEMONSTRATION, '周家糕点坊'], total: literally('糕点').length },
  { name: 'traditional: 麵 finds 面 (name and product)', query: { q: '麵' }, includes: ['刘家手工面坊', KAICHUAN], total: literally('面').length },
  { name: 'traditional: 臘肉 finds every 腊肉', query: { q: '臘肉' }, includes: [LIJI, LIJI_HOMOPHONE, '文港腊肉作坊'], total: literally('腊肉').length },
  { name: 'traditional: 鴻運 finds 鸿运（东湖）食品加工坊', query: { q: '鴻運' }, first: HONGYUN, total: 1 },
  { name: 'traditional: 李記 finds 李记腊肉作坊 and no homophone', query: { q: '李記' }, first: LIJI, excludes: [LIJI_HOMOPHONE, LIJI_TOFU], total: 1 },

  // --- brackets and quotes normalise
  { name: 'quotes: “老王” finds “老王”豆腐坊', query: { q: '“老王”' }, first: LAOWANG, total: 1 },
  { name: 'quotes: ASCII "老王" finds “老王”豆腐坊', query: { q: '"老王"' }, first: LAOWANG, total: 1 },
  { name: 'quotes: 老王豆腐坊 without quotes finds “老王”豆腐坊', query: { q: '老王豆腐坊' }, first: LAOWANG, total: 1 },
  { name: 'brackets: 【金桥】 finds 【金桥】粉干坊', query: { q: '【金桥】' }, first: JINQIAO, total: 1 },
  { name: 'brackets: 『金桥』 finds 【金桥】粉干坊', query: { q: '『金桥』' }, first: JINQIAO, total: 1 },
  { name: 'brackets: 金桥粉干坊 without brackets finds 【金桥】粉干坊', query: { q: '金桥粉干坊' }, first: JINQIAO, total: 1 },
  { name: 'brackets: (东湖) finds 鸿运（东湖）食品加工坊 first', query: { q: '(东湖)' }, first: HONGYUN },
  { name: 'brackets: （东湖） full-width finds 鸿运（东湖）食品加工坊 first', query: { q: '（东湖）' }, first: HONGYUN },
  { name: 'brackets: 「鸿运」 finds 鸿运（东湖）食品加工坊', query: { q: '「鸿运」' }, first: HONGYUN, total: 1 },
  { name: 'brackets: 鸿运(东湖)食品加工坊 with ASCII parentheses finds it', query: { q: '鸿运(东湖)食品加工坊' }, first: HONGYUN, total: 1 },

  // --- stray punctuation
  { name: 'punctuation: 米粉!!! is 米粉', query: { q: '米粉!!!' }, total: MIFEN.length },
  { name: 'punctuation: 米粉。 is 米粉', query: { q: '米粉。' }, total: MIFEN.length },
  { name: 'punctuation: ？？米粉…… is 米粉', query: { q: '？？米粉……' }, total: MIFEN.length },
  { name: 'punctuation: 米粉、年糕 needs both words', query: { q: '米粉、年糕' }, first: HONGYUN, total: 1 },

  // --- codes: a full registration no. or credit code ranks its workshop first
  {
    name: 'code: full registration no. finds its workshop first, as issued',
    query: { q: HONGYUN_REG_NO },
    first: HONGYUN,
    check: (res) => expect(res.hits[0]?.registrationNo).toBe(HONGYUN_REG_NO),
  },
  { name: 'code: lower-case registration no. finds its workshop first', query: { q: HONGYUN_REG_NO.toLowerCase() }, first: HONGYUN },
  { name: 'code: registration no. with spaces around finds its workshop first', query: { q: `  ${HONGYUN_REG_NO}  ` }, first: HONGYUN },
  { name: 'code: another registration no. (老李米粉坊) finds its workshop first', query: { q: LAOLI_REG_NO }, first: LAOLI },
  { name: 'code: full credit code finds its workshop first', query: { q: HONGYUN_USCC }, first: HONGYUN },
  { name: 'code: lower-case credit code finds its workshop first', query: { q: HONGYUN_USCC.toLowerCase() }, first: HONGYUN },
  { name: 'code: an enterprise credit code finds the enterprise first', query: { q: LVYUAN_USCC }, first: LVYUAN },
  { name: 'code tail: serial 00012 finds its workshop', query: { q: '00012' }, first: HONGYUN, total: 1 },
  { name: 'code tail: 0012 finds its workshop', query: { q: '0012' }, first: HONGYUN, total: 1 },
  { name: 'code tail: 00305 finds 老李米粉坊', query: { q: '00305' }, first: LAOLI, total: 1 },

  // --- leading zeros survive
  {
    name: 'leading zeros: 0360102000007 is found exactly and shown with its zero',
    query: { q: ZERO_LEADING_REG_NO },
    first: HUBIN,
    check: (res) => expect(res.hits[0]?.registrationNo).toBe(ZERO_LEADING_REG_NO),
  },
  {
    name: 'leading zeros: full-width ０３６０１０２０００００７ finds it, shown as issued',
    query: { q: fullWidth(ZERO_LEADING_REG_NO) },
    first: HUBIN,
    check: (res) => expect(res.hits[0]?.registrationNo).toBe(ZERO_LEADING_REG_NO),
  },

  // --- pinyin: full syllable runs and initials, for queries without Chinese characters
  { name: 'pinyin: mifen finds every 米粉 name', query: { q: 'mifen' }, includes: [LAOLI, AXIANG], total: MIFEN_NAMES.length },
  { name: 'pinyin: upper-case MIFEN is mifen', query: { q: 'MIFEN' }, total: MIFEN_NAMES.length },
  { name: 'pinyin: laoli mifen finds 老李米粉坊 first', query: { q: 'laoli mifen' }, first: LAOLI },
  { name: 'pinyin: lao li (one syllable a word) finds 老李米粉坊 first', query: { q: 'lao li' }, first: LAOLI },
  { name: 'pinyin initials: llmf finds 老李米粉坊', query: { q: 'llmf' }, first: LAOLI, total: 1 },
  { name: 'pinyin: xiang finds 阿香米粉店', query: { q: 'xiang' }, first: AXIANG },
  { name: 'pinyin: liji finds the three homophones (pinyin is by sound)', query: { q: 'liji' }, includes: [LIJI, LIJI_HOMOPHONE, LIJI_TOFU], total: 3 },
  { name: 'pinyin: hexin finds 合欣米粉作坊, never 黑心 (heixin)', query: { q: 'hexin' }, first: HEXIN, excludes: [PENALISED], total: 1 },

  // --- pinyin ranks below a literal match
  { name: 'pinyin below literal: jin finds JIN记酱菜坊 before 金 names', query: { q: 'jin' }, first: JINJI, includes: [JINQIAO, '瑞金米粉坊'], total: 3 },
  { name: 'pinyin below literal: JIN (upper case) finds JIN记酱菜坊 first', query: { q: 'JIN' }, first: JINJI, includes: [JINQIAO] },

  // --- no homophone leaks for Chinese queries
  { name: 'no leak: 李记 finds 李记腊肉作坊, never 礼记 or 理记', query: { q: '李记' }, first: LIJI, excludes: [LIJI_HOMOPHONE, LIJI_TOFU], total: 1 },
  { name: 'no leak: 礼记 never returns 李记腊肉作坊', query: { q: '礼记' }, first: LIJI_HOMOPHONE, excludes: [LIJI, LIJI_TOFU], total: 1 },
  { name: 'no leak: 理记 never returns 李记 or 礼记', query: { q: '理记' }, first: LIJI_TOFU, excludes: [LIJI, LIJI_HOMOPHONE], total: 1 },
  { name: 'no leak: 黑心 never returns 合欣米粉作坊', query: { q: '黑心' }, first: PENALISED, excludes: [HEXIN], total: 1 },
  { name: 'no leak: 合欣 never returns 黑心米粉作坊', query: { q: '合欣' }, first: HEXIN, excludes: [PENALISED], total: 1 },
  { name: 'no leak: 黑心米粉 never returns 合欣米粉作坊', query: { q: '黑心米粉' }, first: PENALISED, excludes: [HEXIN], total: 1 },
  { name: 'no leak: 李记腊肉 never returns 礼记腊肉作坊', query: { q: '李记腊肉' }, first: LIJI, excludes: [LIJI_HOMOPHONE], total: 1 },

  // --- filters (values escaped)
  {
    name: 'filter: city 赣州市 returns all its parties and only them',
    query: { q: '', city: '360700' },
    total: W.filter((p) => p.cityCode === '360700').length,
    check: (res) => {
      for (const h of res.hits) expect(h.cityName, h.name).toBe('赣州市');
    },
  },
  {
    name: 'filter: city 上饶市 with 米粉',
    query: { q: '米粉', city: '361100' },
    includes: [JINQIAO],
    total: literally('米粉').filter((p) => p.cityCode === '361100').length,
  },
  {
    name: 'filter: county 东湖区 with 米粉',
    query: { q: '米粉', county: '360102' },
    includes: [HONGYUN, '沿江米粉坊'],
    total: 2,
    check: (res) => {
      for (const h of res.hits) expect(h.countyName, h.name).toBe('东湖区');
    },
  },
  { name: 'filter: category 豆制品', query: { q: '', category: '豆制品' }, includes: [HUBIN, LAOWANG, LIJI_TOFU], total: W.filter((p) => p.foodCategories.includes('豆制品')).length },
  {
    name: 'filter: status warning is the penalised workshop only',
    query: { q: '', status: 'warning' },
    first: PENALISED,
    total: 1,
    check: (res) => expect(res.hits[0]?.status).toBe('warning'),
  },
  { name: 'filter: status warning with 米粉', query: { q: '米粉', status: 'warning' }, first: PENALISED, excludes: [HEXIN], total: 1 },
  {
    name: 'filter: status demonstration',
    query: { q: '', status: 'demonstration' },
    first: DEMONSTRATION,
    total: 1,
    check: (res) => expect(res.hits[0]?.status).toBe('demonstration'),
  },
  { name: 'filter: demonstration=true', query: { q: '', demonstration: true }, first: DEMONSTRATION, total: 1 },
  {
    name: 'filter: status good is the inspected workshops without a worse record',
    query: { q: '', status: 'good' },
    includes: INSPECTED_WORKSHOPS.filter((n) => n !== PENALISED),
    total: INSPECTED_WORKSHOPS.filter((n) => n !== PENALISED).length,
  },
  { name: 'filter: status noRecentAdverse is the parties that are not workshops', query: { q: '', status: 'noRecentAdverse' }, total: W.filter((p) => p.kind !== 'workshop').length },
  { name: 'filter escaping: category with a quote and a backslash', query: { q: '', category: 'a"b\\c' }, total: 0 },
  { name: 'filter escaping: category of backslashes only', query: { q: '', category: '\\\\' }, total: 0 },
  { name: 'filter escaping: category injection with quotes', query: { q: '', category: '粮食加工品" OR categories = "豆制品' }, total: 0 },
  { name: 'filter escaping: city injection with quotes', query: { q: '', city: '360100" OR cityCode = "360700' }, total: 0 },

  // --- sort by name (pinyin)
  {
    name: 'sort name: 阿香 < 赣味 < 文港 < 中心',
    query: { q: '', county: '360124', sort: 'name' },
    order: [AXIANG, '赣味豆制品坊', '文港腊肉作坊', DEMONSTRATION],
    total: 4,
  },
  {
    name: 'sort name: 米粉 in pinyin order across the page boundary',
    query: { q: '米粉', sort: 'name' },
    first: AXIANG,
    check: async (_res, ctx) => {
      expect(await twoPages(ctx, { q: '米粉', sort: 'name' })).toEqual([...MIFEN].sort(byPinyin));
    },
  },

  // --- sort by last update
  {
    name: 'sort updated: newest first',
    query: { q: '', sort: 'updated' },
    order: names(W).sort(newestFirst).slice(0, PAGE_SIZE),
  },
  {
    name: 'sort updated: 米粉 newest first across the page boundary',
    query: { q: '米粉', sort: 'updated' },
    first: [...MIFEN].sort(newestFirst)[0],
    check: async (_res, ctx) => {
      expect(await twoPages(ctx, { q: '米粉', sort: 'updated' })).toEqual([...MIFEN].sort(newestFirst));
    },
  },

  // --- sort by distance
  distanceCase('sort distance: nearest first from 东湖区, distances increasing', 28.68, 115.89, ''),
  distanceCase('sort distance: 米粉 nearest first from 赣州, distances increasing', 25.83, 114.93, '米粉'),

  // --- pagination and honest totals
  {
    name: 'pagination: page 1 of 米粉 is full and the total exact',
    query: { q: '米粉' },
    total: MIFEN.length,
    check: (res) => {
      expect(res.hits).toHaveLength(PAGE_SIZE);
      expect(res.totalPages).toBe(Math.ceil(MIFEN.length / PAGE_SIZE));
      expect(res.totalCapped).toBe(false);
    },
  },
  {
    name: 'pagination: page 2 of 米粉 holds the remaining hits',
    query: { q: '米粉', page: 2 },
    total: MIFEN.length,
    check: async (res, ctx) => {
      expect(res.hits).toHaveLength(MIFEN.length - PAGE_SIZE);
      const page1 = hitNames((await ctx.search({ q: '米粉', page: 1 })).hits);
      const both = [...page1, ...hitNames(res.hits)];
      expect(new Set(both).size).toBe(both.length);
      expect([...both].sort()).toEqual([...MIFEN].sort());
    },
  },
  {
    name: 'pagination: the last page of the empty query holds the rest',
    query: { q: '', page: Math.ceil(W.length / PAGE_SIZE) },
    total: W.length,
    check: (res) => expect(res.hits).toHaveLength(W.length - PAGE_SIZE * (Math.ceil(W.length / PAGE_SIZE) - 1)),
  },
  {
    name: 'pagination: a page past the end is empty, the total still exact',
    query: { q: '米粉', page: 3 },
    total: MIFEN.length,
    check: (res) => expect(res.hits).toEqual([]),
  },

  // --- empty and unmatched queries
  {
    name: 'empty query lists every party',
    query: { q: '' },
    total: W.length,
    check: (res) => expect(res.totalPages).toBe(Math.ceil(W.length / PAGE_SIZE)),
  },
  { name: 'no match: an unknown Chinese name returns 0', query: { q: '不存在的作坊名' }, total: 0 },
  { name: 'no match: unknown letters return 0', query: { q: 'zzqxw' }, total: 0 },
  { name: 'no match: a code of no party returns 0', query: { q: 'XZF36999999999' }, total: 0 },
];

// ---------------------------------------------------------------------------------------------

let db: Db;
let client: Meilisearch;
/** decision nos. of public penalties by party name (a searchable field), for the literal-containment check */
const decisionNosByName = new Map<string, string[]>([[PENALISED, [PENALTY_DECISION_NO]]]);

async function search(query: Partial<SearchQuery>): Promise<SearchResult> {
  const full: SearchQuery = { q: '', page: 1, ...query };
  const res = await searchWorkshops(db, client, full);
  // searchWorkshops falls back to SQLite on any Meilisearch error: every answer here must be Meilisearch's
  expect(res.degraded, `search ${JSON.stringify(full)} fell back to SQLite`).toBe(false);
  return res;
}

/** The literal runs a query is searched by (the no-leak rule: every hit contains each of them). */
function queryRuns(q: string): string[] {
  // the runs actually searched: a place at the head of a run split off, a long query cut to ten
  // words (their making is unit-tested in tests/unit/normalize-query.test.ts and search-text.test.ts)
  return prepareQuery(q).runs;
}

/** Every searchable text of a hit, each normalised without spaces. */
function hitTexts(hit: SearchHit): string[] {
  const p = party(hit.name);
  return [p.name, ...p.products, p.address, hit.countyName ?? '', hit.cityName ?? '', p.registrationNo ?? '', p.uscc ?? '', ...(decisionNosByName.get(p.name) ?? [])].map(squash);
}

beforeAll(async () => {
  db = freshDb();
  const ids = loadRelevanceFixture(db);
  expect(ids.size).toBe(W.length);
  client = testClient();
  const rebuilt = await rebuildIndex(db, client, { today: TODAY });
  expect(rebuilt.documents).toBe(W.length);
});

describe('search relevance on the fixed fixture', () => {
  it.each(cases)('$name', async (c) => {
    const q = c.query.q ?? '';
    const res = await search({ ...c.query, q });
    const got = hitNames(res.hits);
    const shown = `${JSON.stringify(q)} → ${res.total}: ${JSON.stringify(got)}`;
    if (c.first !== undefined) expect(got[0], shown).toBe(c.first);
    for (const n of c.includes ?? []) expect(got, shown).toContain(n);
    for (const n of c.excludes ?? []) expect(got, shown).not.toContain(n);
    if (c.total !== undefined) expect(res.total, shown).toBe(c.total);
    if (c.order !== undefined) expect(got, shown).toEqual(c.order);
    if (/\p{Script=Han}/u.test(q)) {
      // no leaks: every hit literally contains every run of the query in one of its fields
      for (const hit of res.hits) {
        const texts = hitTexts(hit);
        for (const run of queryRuns(q)) expect(texts.some((t) => t.includes(run)), `${hit.name} lacks “${run}” (${shown})`).toBe(true);
      }
    }
    await c.check?.(res, { search });
  });

  it('has at least 60 cases, each with a distinct name', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });
});
