/**
 * Division names and labels for the back office: a user's jurisdiction in words, and the divisions
 * a user may bind a new account to.
 */
import type { Db } from '../../db/client.ts';
import type { Division } from '../../db/schema.ts';
import { admin as t } from '../../i18n/admin.zh-CN.ts';
import { loadDivisions } from '../workshops/workshop.server.ts';
import type { Actor } from './authz.ts';

/** The divisions by code. */
export function divisionsByCode(db: Db): Map<string, Division> {
  return loadDivisions(db);
}

/** The jurisdiction of a division in words: 江西省全省, 南昌市及其下辖县（市、区）, 东湖区. */
export function jurisdictionLabel(division: Division | undefined): string {
  if (!division) return '';
  return t.jurisdiction[division.level](division.name);
}

/** A division with its city: 南昌市东湖区; a city or the province alone. */
export function divisionLabel(code: string, byCode: Map<string, Division>): string {
  const d = byCode.get(code);
  if (!d) return code;
  if (d.level !== 'county' || !d.parentCode) return d.name;
  const city = byCode.get(d.parentCode);
  return city ? `${city.name}${d.name}` : d.name;
}

/**
 * The divisions `actor` may bind new accounts to, grouped by city for a form's <optgroup>s: each
 * city of the jurisdiction (when `withCities`) followed by its counties, in code order.
 */
export function assignableDivisions(actor: Actor, byCode: Map<string, Division>, withCities: boolean): { city: Division; options: Division[] }[] {
  const inside = [...byCode.values()].filter((d) => actor.jurisdiction.has(d.code)).sort((a, b) => a.code.localeCompare(b.code));
  const cities = inside.filter((d) => d.level === 'city');
  // a city supervisor's own city is the only city of its jurisdiction
  return cities.map((city) => ({
    city,
    options: [...(withCities ? [city] : []), ...inside.filter((d) => d.level === 'county' && d.parentCode === city.code)],
  }));
}
