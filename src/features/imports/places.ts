/**
 * Finding the Jiangxi county or city a party belongs to from the text of a notice (its address,
 * name or the authority that acted), since the official tables carry no division codes.
 *
 * Full names (南昌县, 赣州市, 南康区) match anywhere; short names (资溪 for 资溪县) only at the
 * start of the text or right after 江西/江西省 or a city name, which keeps 东湖 in 杭州西湖… from
 * matching. A short name shared by a city and a county (吉安) means the city.
 */
import type { Division } from '../../db/schema.ts';

/** Where a text places a party: a county (and its city), a city only, or nowhere. */
export interface Place {
  countyCode: string | null;
  cityCode: string | null;
}

interface Entry {
  name: string;
  division: Division;
  full: boolean;
}

/** Builds a resolver over the divisions (province, cities, counties). */
export function placeResolver(all: Division[]): (...texts: (string | null | undefined)[]) => Place {
  const entries: Entry[] = [];
  const cities = all.filter((d) => d.level === 'city');
  const cityShortNames = new Set(cities.map((c) => c.name.replace(/市$/u, '')));
  for (const d of all) {
    if (d.level === 'province') continue;
    entries.push({ name: d.name, division: d, full: true });
    const short = d.name.replace(/(市|县|区)$/u, '');
    // 吉安 alone means 吉安市, not 吉安县
    if (d.level === 'county' && cityShortNames.has(short)) continue;
    if (short.length >= 2 && short !== d.name) entries.push({ name: short, division: d, full: false });
  }
  // longer names first; among equal names, cities before counties (吉安 = 吉安市)
  entries.sort((a, b) => b.name.length - a.name.length || (a.division.level === 'city' ? -1 : 1));
  const prefixes = new Set(['', '江西省', '江西', ...cities.map((c) => c.name), ...cities.map((c) => c.name.replace(/市$/u, ''))]);

  const placeOf = (d: Division): Place =>
    d.level === 'county' ? { countyCode: d.code, cityCode: d.parentCode } : { countyCode: null, cityCode: d.code };

  const resolveOne = (text: string): Place | null => {
    let city: Place | null = null;
    for (const e of entries) {
      const at = text.indexOf(e.name);
      if (at < 0) continue;
      if (!e.full && !prefixes.has(text.slice(0, at))) continue;
      const place = placeOf(e.division);
      if (place.countyCode) return place;
      city ??= place;
    }
    return city;
  };

  return (...texts) => {
    let fallback: Place | null = null;
    for (const t of texts) {
      if (!t) continue;
      const place = resolveOne(t.trim());
      if (place?.countyCode) return place;
      fallback ??= place;
    }
    return fallback ?? { countyCode: null, cityCode: null };
  };
}
