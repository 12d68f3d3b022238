/**
 * The `city` and `county` filters of /search and /api/v1/search given by name (issue 9 point 8):
 * `county=东湖区`, `county=南昌县`, `city=南昌市`, `city=南昌`, `county=南昌市西湖区`, as well as
 * by their 6-digit division code. Pure: the divisions (seeds/divisions.csv, GB/T 2260) are passed in.
 *
 * A name is read after the search normalisation (./normalize.ts: full-width, traditional
 * characters, spaces), without a leading 江西省 / 江西. It matches a division of the level asked
 * for by its full name, or by its name without the suffix 市/县/区/自治县 when two characters or
 * more remain (东湖 → 东湖区). A county may be written after its city (南昌市西湖区, 南昌西湖区),
 * which is how a county name shared by two cities is told apart. Rules for what is not one place:
 * - a name shared by several divisions of the level (two 西湖区 in two cities; none in Jiangxi
 *   today, but counties are renamed and merged) is `ambiguous`, answered with the choices; with a
 *   city filter given, only that city's counties are looked at;
 * - a short name shared by a city and a county (南昌, 吉安) means the city, as in everyday use and in
 *   src/features/imports/places.ts: `city=南昌` is 南昌市, and `county=南昌` is `ambiguous` between
 *   南昌县 and the city 南昌市;
 * - a name of the other level (`city=南昌县`) is `wrongLevel`, with the division it names as choice;
 * - a county outside the city filter is `notInCity`; anything else is `unknown`.
 */
import type { Division } from '../../db/schema.ts';
import { normalizeText } from './normalize.ts';

/** A division as the resolver reads it. */
export type PlaceDivision = Pick<Division, 'code' | 'name' | 'level' | 'parentCode'>;

/** The two place filters. */
export type PlaceField = 'city' | 'county';

/** A division a problem offers instead: the filter it belongs to, its code and names. */
export interface PlaceChoice {
  field: PlaceField;
  code: string;
  name: string;
  /** the city of a county (for 南昌市西湖区); null for a city */
  cityName: string | null;
}

/** Why a place name was not taken (see the module comment); the page and the API turn it into words. */
export type PlaceProblemReason = 'unknown' | 'ambiguous' | 'wrongLevel' | 'notInCity';

/** A place filter that was not taken: the value as given, why, and the divisions it may have meant. */
export interface PlaceProblem {
  field: PlaceField;
  value: string;
  reason: PlaceProblemReason;
  choices: PlaceChoice[];
}

/** The outcome of reading one place name: its division code, or a problem. */
export type PlaceResolution = { code: string } | { problem: PlaceProblem };

/** Longest name accepted (南昌市红谷滩区 and the like are well under it); longer is `unknown`. */
const MAX_NAME_LENGTH = 20;

const SUFFIX = /(自治县|市|县|区)$/u;

/** The name without its suffix when two characters or more remain, else null. */
function shortName(name: string): string | null {
  const suffix = SUFFIX.exec(name)?.[0];
  if (!suffix) return null;
  const short = name.slice(0, -suffix.length);
  return [...short].length >= 2 ? short : null;
}

function named(d: PlaceDivision, value: string): boolean {
  return d.name === value || shortName(d.name) === value;
}

function choiceOf(d: PlaceDivision, byCode: ReadonlyMap<string, PlaceDivision>): PlaceChoice {
  return d.level === 'county'
    ? { field: 'county', code: d.code, name: d.name, cityName: byCode.get(d.parentCode ?? '')?.name ?? null }
    : { field: 'city', code: d.code, name: d.name, cityName: null };
}

/** The counties a value names: after a city name (南昌市西湖区) when it starts with one, else by itself. */
function countiesNamed(value: string, cities: readonly PlaceDivision[], counties: readonly PlaceDivision[]): { found: PlaceDivision[]; short: boolean } {
  const after: PlaceDivision[] = [];
  for (const city of cities) {
    for (const prefix of [city.name, shortName(city.name)]) {
      if (!prefix || !value.startsWith(prefix) || value.length === prefix.length) continue;
      const rest = value.slice(prefix.length);
      after.push(...counties.filter((c) => c.parentCode === city.code && named(c, rest) && !after.includes(c)));
    }
  }
  if (after.length > 0) return { found: after, short: false };
  const found = counties.filter((c) => named(c, value));
  return { found, short: found.length > 0 && found.every((c) => c.name !== value) };
}

/**
 * Reads `value` as the `field` filter over `divisions` (see the module comment). `cityCode` is the
 * city filter already read, if any: a county name is then looked for in that city. Returns the
 * division code, or the problem with the divisions the value may have meant (county choices
 * ordered by code). A 6-digit value is not a name: the caller keeps it as a code.
 */
export function resolvePlaceName(value: string, field: PlaceField, divisions: readonly PlaceDivision[], cityCode: string | null = null): PlaceResolution {
  const given = value;
  const name = normalizeText(value).replace(/ /gu, '').replace(/^江西省?/u, '');
  const problem = (reason: PlaceProblemReason, choices: PlaceChoice[] = []): PlaceResolution => ({ problem: { field, value: given, reason, choices } });
  if (name === '' || [...name].length > MAX_NAME_LENGTH) return problem('unknown');
  const byCode = new Map(divisions.map((d) => [d.code, d]));
  const cities = divisions.filter((d) => d.level === 'city');
  const counties = [...divisions.filter((d) => d.level === 'county')].sort((a, b) => a.code.localeCompare(b.code));
  const citiesNamed = cities.filter((c) => named(c, name));
  const choices = (list: readonly PlaceDivision[]) => list.map((d) => choiceOf(d, byCode));

  if (field === 'city') {
    if (citiesNamed.length === 1) return { code: (citiesNamed[0] as PlaceDivision).code };
    if (citiesNamed.length > 1) return problem('ambiguous', choices(citiesNamed));
    const asCounty = countiesNamed(name, cities, counties).found;
    return asCounty.length > 0 ? problem('wrongLevel', choices(asCounty)) : problem('unknown');
  }

  const { found, short } = countiesNamed(name, cities, counties);
  // 南昌 alone is the city: as a county filter it may mean either
  if (short && citiesNamed.length > 0) return problem('ambiguous', choices([...found, ...citiesNamed]));
  const inCity = cityCode === null ? found : found.filter((c) => c.parentCode === cityCode);
  if (inCity.length === 1) return { code: (inCity[0] as PlaceDivision).code };
  if (inCity.length > 1) return problem('ambiguous', choices(inCity));
  if (found.length > 0) return problem('notInCity', choices(found));
  return citiesNamed.length > 0 ? problem('wrongLevel', choices(citiesNamed)) : problem('unknown');
}

/** A value left to the query schema: a division code, or digits that its format message explains. */
function isCodeLike(value: string): boolean {
  return /^\d+$/u.test(value.normalize('NFKC'));
}

/**
 * Replaces a `city` or `county` given by name in `params` by its division code (`resolvePlaceName`;
 * the city first, so that the county is looked for in it) and drops one that cannot be read,
 * reporting why. Values of digits are left as they are, for the query schema (./search.ts).
 * `divisions` is called only when a name has to be read. Returns `params` itself when it names no
 * place by name, else new params; `params` is never changed.
 */
export function resolvePlaceParams(params: URLSearchParams, divisions: () => readonly PlaceDivision[]): { params: URLSearchParams; problems: PlaceProblem[] } {
  // the usual request (codes or no place at all) is passed on as it is
  if ((['city', 'county'] as const).every((field) => isCodeLike(params.get(field)?.trim() || '0'))) return { params, problems: [] };
  const out = new URLSearchParams(params);
  const problems: PlaceProblem[] = [];
  let list: readonly PlaceDivision[] | null = null;
  for (const field of ['city', 'county'] as const) {
    const value = out.get(field)?.trim() ?? '';
    if (value === '' || isCodeLike(value)) continue;
    list ??= divisions();
    const cityCode = field === 'county' && /^\d{6}$/u.test(out.get('city') ?? '') ? out.get('city') : null;
    const resolved = resolvePlaceName(value, field, list, cityCode);
    if ('code' in resolved) out.set(field, resolved.code);
    else {
      out.delete(field);
      problems.push(resolved.problem);
    }
  }
  return { params: out, problems };
}
