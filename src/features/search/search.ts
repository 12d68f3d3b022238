/**
 * Search: the query schema shared by the page and the JSON API, the shape of an index document,
 * Meilisearch filter building with escaped values, and highlight rendering. Pure code.
 */
import { z } from '../../lib/zod.ts';
import { escapeHtml } from '../../lib/html.ts';
import { verdictStatuses } from '../workshops/verdict.ts';

/** Name of the one Meilisearch index (DESIGN.md, "Search"). */
export const INDEX_UID = 'workshops';

/** Bump when the document shape or the index settings change: forces a rebuild at start. */
export const SEARCH_SCHEMA_VERSION = 5;

/** Results per page. */
export const PAGE_SIZE = 20;

/** Meilisearch's `pagination.maxTotalHits`: totals above it are shown as "1000+". */
export const MAX_TOTAL_HITS = 1000;

/** The verdict statuses, in the order the facet lists them (the verdict table's order). */
export { verdictStatuses };

const code = (label: string) => z.string().regex(/^\d{6}$/u, `${label}应为6位行政区划代码`);

/** Chinese names of the query parameters, for error messages. */
export const searchParamLabels: Record<string, string> = {
  q: '搜索词',
  city: '设区市',
  county: '县（市、区）',
  category: '食品类别',
  status: '信用提示',
  demonstration: '示范单位',
  sort: '排序',
  lat: '纬度',
  lng: '经度',
  page: '页码',
};

/** Sort orders: relevance (default), name in pinyin order, most recently updated, distance. */
export const sortOrders = ['relevance', 'name', 'updated', 'distance'] as const;
export type SortOrder = (typeof sortOrders)[number];

const coordinate = (label: string, max: number) =>
  z
    .string()
    .regex(/^-?\d{1,3}(\.\d{1,8})?$/u, `${label}格式不正确`)
    .transform(Number)
    .refine((n) => Math.abs(n) <= max, `${label}超出范围`);

/** Query-string parameters of `/search` and `/api/v1/search`. Empty strings count as absent. */
export const searchQuerySchema = z.object({
  q: z
    .string()
    .max(100, '搜索词不能超过100个字')
    .default(''),
  city: code('设区市').optional(),
  county: code('县（市、区）').optional(),
  category: z.string().max(40, '食品类别不能超过40个字').optional(),
  status: z.enum(verdictStatuses, { error: '信用提示的取值无效' }).optional(),
  demonstration: z.enum(['1'], { error: '示范单位筛选只能为 1' }).transform(() => true).optional(),
  sort: z.enum(sortOrders, { error: '排序方式无效' }).default('relevance'),
  lat: coordinate('纬度', 90).optional(),
  lng: coordinate('经度', 180).optional(),
  page: z
    .string()
    .regex(/^\d{1,5}$/u, '页码应为1到10000之间的整数')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 10_000, '页码应为1到10000之间的整数')
    .default(1),
}).superRefine((v, ctx) => {
  // a county from another city (the city was changed, the county stayed) would hide every result
  if (v.city && v.county && v.county.slice(0, 4) !== v.city.slice(0, 4)) {
    ctx.addIssue({ code: 'custom', path: ['county'], message: '所选县（市、区）不属于所选设区市，请重新选择' });
  }
  if (v.sort === 'distance' && (v.lat === undefined || v.lng === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['sort'], message: '按距离排序需要提供位置（纬度和经度）' });
  }
});
/** A parsed query; `sort` may be left out (relevance). */
export type SearchQuery = Omit<z.infer<typeof searchQuerySchema>, 'sort'> & { sort?: SortOrder };

/** Parses URLSearchParams into a SearchQuery; blank values are ignored. */
export function parseSearchParams(params: URLSearchParams): ReturnType<typeof searchQuerySchema.safeParse> {
  const raw: Record<string, string> = {};
  for (const key of ['q', 'city', 'county', 'category', 'status', 'demonstration', 'sort', 'lat', 'lng', 'page']) {
    const value = params.get(key)?.trim();
    if (value) raw[key] = value;
  }
  return searchQuerySchema.safeParse(raw);
}

/** Field-level messages of a failed parse: `[{ field, label, message }]`, in Chinese. */
export function searchParamErrors(error: { issues: { path: PropertyKey[]; message: string }[] }): { field: string; label: string; message: string }[] {
  return error.issues.map((i) => {
    const field = String(i.path[0] ?? '');
    return { field, label: searchParamLabels[field] ?? field, message: i.message };
  });
}

/** One document of the `workshops` index. */
export interface WorkshopDocument {
  id: number;
  name: string;
  /** workshop / enterprise / business */
  kind: string;
  registrationNo: string | null;
  uscc: string | null;
  products: string[];
  categories: string[];
  address: string | null;
  countyCode: string | null;
  countyName: string | null;
  cityCode: string | null;
  cityName: string | null;
  /** verdict status on the day of indexing */
  status: string;
  demonstration: boolean;
  demo: boolean;
  /** on the 曝光台 on the day of indexing (an exposure of this party is public: `hasPublicExposure`) */
  exposed: boolean;
  /** decision numbers of penalties within their disclosure period only */
  decisionNos: string[];
  /** full pinyin of the name without tones, for name sorting */
  namePinyin: string;
  /** epoch seconds */
  updatedAt: number;
  /** WGS-84 position when known (Meilisearch's geo field) */
  _geo: { lat: number; lng: number } | null;
  /** search fields (see ./query.ts): normalised text with every Han character a token */
  nameChars: string;
  productChars: string[];
  placeChars: string[];
  decisionChars: string[];
  /** registration no., credit code and the registration no.'s tails */
  codes: string[];
  /** pinyin syllable runs and initial runs of the name */
  pinyin: string[];
  initials: string[];
}

/** Escapes a value for a Meilisearch filter string literal (quotes and backslashes). */
export function filterValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Builds the Meilisearch filter expression of a query (AND of the chosen facets). */
export function buildFilter(query: Pick<SearchQuery, 'city' | 'county' | 'category' | 'status'> & { demonstration?: boolean }): string[] {
  const filter: string[] = [];
  if (query.demonstration) filter.push('demonstration = true');
  if (query.city) filter.push(`cityCode = ${filterValue(query.city)}`);
  if (query.county) filter.push(`countyCode = ${filterValue(query.county)}`);
  if (query.category) filter.push(`categories = ${filterValue(query.category)}`);
  if (query.status) filter.push(`status = ${filterValue(query.status)}`);
  return filter;
}

/** Private-use characters that Meilisearch puts around matches; never present in our data. */
export const HIGHLIGHT_PRE = '\uE000';
export const HIGHLIGHT_POST = '\uE001';

export { escapeHtml };

/**
 * Turns a Meilisearch `_formatted` value into safe HTML: everything is escaped, then the match
 * markers become `<mark>`. Unbalanced markers are closed. No HTML from the data survives as HTML.
 */
export function highlightToHtml(formatted: string): string {
  let open = false;
  let out = '';
  for (const part of formatted.split(/([\uE000\uE001])/u)) {
    if (part === HIGHLIGHT_PRE) {
      if (!open) out += '<mark>';
      open = true;
    } else if (part === HIGHLIGHT_POST) {
      if (open) out += '</mark>';
      open = false;
    } else out += escapeHtml(part);
  }
  return (open ? `${out}</mark>` : out).replaceAll('</mark><mark>', '');
}

/** Removes the highlight marker characters from text that goes into the index. */
export function stripMarkers(text: string): string {
  return text.replace(/[\uE000\uE001]/gu, '');
}

/** "1000+" when Meilisearch's total is capped, else the exact number. */
export function formatTotal(total: number): string {
  return total >= MAX_TOTAL_HITS ? `${MAX_TOTAL_HITS}+` : String(total);
}
