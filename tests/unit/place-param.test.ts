/**
 * The `city` / `county` search filters given by name (issue 9 point 8), over the real divisions of
 * seeds/divisions.csv, and over a copy with a county name repeated in two cities (none repeats in
 * Jiangxi today: the test below checks it, so the ambiguous case is shown with a synthetic one).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { resolvePlaceName, resolvePlaceParams, type PlaceDivision } from '../../src/features/search/place-param.ts';
import { zh } from '../../src/i18n/zh-CN.ts';

const rows = parse(readFileSync(path.join(import.meta.dirname, '../../seeds/divisions.csv'), 'utf8'), { columns: true }) as { code: string; name: string; level: string; parent_code: string }[];
const JIANGXI: PlaceDivision[] = rows.map((r) => ({ code: r.code, name: r.name, level: r.level === 'prefecture' ? 'city' : (r.level as 'province' | 'county'), parentCode: r.parent_code || null }));

describe('the divisions of Jiangxi', () => {
  it('no two counties share a full name, and only 南昌 and 吉安 are the short name of both a city and a county', () => {
    const counties = JIANGXI.filter((d) => d.level === 'county').map((d) => d.name);
    expect(new Set(counties).size).toBe(counties.length);
    const shorts = new Map<string, string[]>();
    for (const d of JIANGXI.filter((x) => x.level !== 'province')) {
      const short = d.name.replace(/(自治县|市|县|区)$/u, '');
      shorts.set(short, [...(shorts.get(short) ?? []), d.name]);
    }
    expect([...shorts].filter(([, names]) => names.length > 1)).toEqual([
      ['南昌', ['南昌市', '南昌县']],
      ['吉安', ['吉安市', '吉安县']],
    ]);
  });
});

describe('resolvePlaceName over Jiangxi', () => {
  it.each<[string, string, 'city' | 'county', string | null, string]>([
    ['a county by its full name', '东湖区', 'county', null, '360102'],
    ['a county whose name ends in 县', '南昌县', 'county', null, '360121'],
    ['a county without its suffix', '东湖', 'county', null, '360102'],
    ['a county-level city', '瑞金市', 'county', null, '360781'],
    ['a county after its city', '南昌市西湖区', 'county', null, '360103'],
    ['a county after its city without suffixes', '南昌西湖', 'county', null, '360103'],
    ['a county with the province before it', '江西省南昌市青山湖区', 'county', null, '360111'],
    ['a county within the city filter', '青山湖区', 'county', '360100', '360111'],
    ['traditional characters and spaces', ' 東湖區 ', 'county', null, '360102'],
    ['a city by its full name', '南昌市', 'city', null, '360100'],
    ['a city without its suffix, where a county shares the short name: the city', '南昌', 'city', null, '360100'],
    ['吉安 as a city is 吉安市', '吉安', 'city', null, '360800'],
    ['景德镇 without 市', '景德镇', 'city', null, '360200'],
  ])('%s: %s', (_rule, value, field, cityCode, code) => {
    expect(resolvePlaceName(value, field, JIANGXI, cityCode)).toEqual({ code });
  });

  it('南昌 as a county may mean 南昌县 or the city 南昌市: ambiguous, with both', () => {
    expect(resolvePlaceName('南昌', 'county', JIANGXI)).toEqual({
      problem: {
        field: 'county',
        value: '南昌',
        reason: 'ambiguous',
        choices: [
          { field: 'county', code: '360121', name: '南昌县', cityName: '南昌市' },
          { field: 'city', code: '360100', name: '南昌市', cityName: null },
        ],
      },
    });
  });

  it('a county given as the city filter is the wrong level, with the county as choice', () => {
    expect(resolvePlaceName('南昌县', 'city', JIANGXI)).toEqual({
      problem: { field: 'city', value: '南昌县', reason: 'wrongLevel', choices: [{ field: 'county', code: '360121', name: '南昌县', cityName: '南昌市' }] },
    });
  });

  it('a city given as the county filter is the wrong level (南昌市 is not read as 南昌县)', () => {
    expect(resolvePlaceName('南昌市', 'county', JIANGXI)).toMatchObject({ problem: { reason: 'wrongLevel', choices: [{ field: 'city', code: '360100' }] } });
  });

  it('a county outside the city filter', () => {
    expect(resolvePlaceName('东湖区', 'county', JIANGXI, '360700')).toMatchObject({ problem: { reason: 'notInCity', choices: [{ code: '360102', cityName: '南昌市' }] } });
  });

  it.each([['a place outside Jiangxi', '杭州市'], ['a typo', '东胡区'], ['one character', '东'], ['too long', '东'.repeat(21)], ['only the province', '江西省']])('unknown: %s', (_rule, value) => {
    expect(resolvePlaceName(value, 'county', JIANGXI)).toMatchObject({ problem: { reason: 'unknown', choices: [] } });
  });
});

describe('a county name repeated in two cities', () => {
  const WITH_TWIN: PlaceDivision[] = [
    ...JIANGXI,
    { code: '330100', name: '杭州市', level: 'city', parentCode: null },
    { code: '330106', name: '西湖区', level: 'county', parentCode: '330100' },
  ];

  it('is ambiguous, answered with the choices and their cities', () => {
    expect(resolvePlaceName('西湖区', 'county', WITH_TWIN)).toEqual({
      problem: {
        field: 'county',
        value: '西湖区',
        reason: 'ambiguous',
        choices: [
          { field: 'county', code: '330106', name: '西湖区', cityName: '杭州市' },
          { field: 'county', code: '360103', name: '西湖区', cityName: '南昌市' },
        ],
      },
    });
  });
  it('is told apart by its city written before it, or by the city filter', () => {
    expect(resolvePlaceName('杭州市西湖区', 'county', WITH_TWIN)).toEqual({ code: '330106' });
    expect(resolvePlaceName('西湖区', 'county', WITH_TWIN, '360100')).toEqual({ code: '360103' });
  });
  it('the message names the choices in Chinese', () => {
    const resolved = resolvePlaceName('西湖区', 'county', WITH_TWIN);
    if (!('problem' in resolved)) throw new Error('expected a problem');
    expect(zh.search.placeProblem(resolved.problem)).toBe('“西湖区”可以指杭州市西湖区、南昌市西湖区，请选择其中一个');
  });
});

describe('resolvePlaceParams', () => {
  it('replaces names by codes, the city first so that the county is looked for in it', () => {
    const { params, problems } = resolvePlaceParams(new URLSearchParams({ q: '米粉', city: '南昌', county: '西湖' }), () => JIANGXI);
    expect(problems).toEqual([]);
    expect(params.toString()).toBe(new URLSearchParams({ q: '米粉', city: '360100', county: '360103' }).toString());
  });
  it('drops a name it cannot read and says why; the other filters stay', () => {
    const { params, problems } = resolvePlaceParams(new URLSearchParams({ county: '东胡区', category: '米粉' }), () => JIANGXI);
    expect(params.get('county')).toBeNull();
    expect(params.get('category')).toBe('米粉');
    expect(problems).toEqual([{ field: 'county', value: '东胡区', reason: 'unknown', choices: [] }]);
    expect(zh.search.placeProblem(problems[0] as (typeof problems)[number])).toBe('没有找到名为“东胡区”的县（市、区），请检查名称，或从筛选列表中选择');
  });
  it('leaves codes and digits to the query schema, and does not read the divisions for them', () => {
    const never = () => {
      throw new Error('the divisions were read');
    };
    expect(resolvePlaceParams(new URLSearchParams({ city: '360100', county: '36010' }), never).params.get('county')).toBe('36010');
  });
});
