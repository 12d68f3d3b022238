import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Division } from '../../src/db/schema.ts';
import { placeResolver } from '../../src/features/imports/places.ts';

const divisions: Division[] = readFileSync(new URL('../../seeds/divisions.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [code = '', name = '', level = '', parent = ''] = line.split(',');
    return { code, name, level: level === 'prefecture' ? 'city' : (level as Division['level']), parentCode: parent || null };
  });
const resolve = placeResolver(divisions);

describe('the county or city of a party, from the text of a notice', () => {
  it.each([
    ['a full county name in an address', ['江西省南昌市南昌县小蓝经济开发区金沙二路1599号'], '360121', '360100'],
    ['a county-level city in a name', ['高安市万家园食品有限公司'], '360983', '360900'],
    ['a district after its city', ['赣州市南康区唐江镇莲胜糕点加工厂'], '360703', '360700'],
    ['a short county name at the start', ['信丰恒隆麦饭石酒业有限公司'], '360722', '360700'],
    ['a short county name after 江西省', ['江西省资溪面包科技发展股份有限公司'], '361028', '361000'],
    ['a city only', ['萍乡市毛家湾食品有限责任公司'], null, '360300'],
    ['吉安 alone is the city', ['吉安杨糕食品有限公司'], null, '360800'],
    ['the authority places it when the name cannot', ['抚州嘉新正食品有限公司', '广昌县市场监督管理局'], '361030', '361000'],
    ['outside Jiangxi is nowhere', ['普宁市吉伦食品有限公司'], null, null],
    ['a short name inside a word does not match', ['杭州西湖食品厂'], null, null],
  ])('%s', (_rule, texts, county, city) => {
    expect(resolve(...texts)).toEqual({ countyCode: county, cityCode: city });
  });
});
