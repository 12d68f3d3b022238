/**
 * The place names split off the head of a query (src/features/search/place-names.ts) are exactly
 * those derived from seeds/divisions.csv: every division in full and without its suffix.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { PLACE_NAMES } from '../../src/features/search/place-names.ts';

describe('PLACE_NAMES', () => {
  it('is derived from seeds/divisions.csv, longest first', () => {
    const rows = parse(readFileSync(path.join(import.meta.dirname, '../../seeds/divisions.csv'), 'utf8'), { columns: true }) as { name: string }[];
    const expected = new Set<string>();
    for (const { name } of rows) {
      expected.add(name);
      const suffix = ['自治县', '市', '县', '区', '省'].find((s) => name.endsWith(s));
      if (suffix && [...name].length - suffix.length >= 2) expected.add(name.slice(0, -suffix.length));
    }
    expect([...PLACE_NAMES].sort()).toEqual([...expected].sort());
    for (let i = 1; i < PLACE_NAMES.length; i++) expect([...(PLACE_NAMES[i] ?? '')].length).toBeLessThanOrEqual([...(PLACE_NAMES[i - 1] ?? '')].length);
    expect(PLACE_NAMES).toContain('南昌');
    expect(PLACE_NAMES).toContain('南昌县');
  });
});
