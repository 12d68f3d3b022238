import { prepareQuery } from '../../src/features/search/query.ts';
import { describe, expect, it } from 'vitest';
import { buildFilter, filterValue, formatTotal, highlightToHtml, HIGHLIGHT_POST as B, HIGHLIGHT_PRE as A, parseSearchParams } from '../../src/features/search/search.ts';

describe('highlights are escaped text with <mark>', () => {
  it.each([
    ['plain Chinese match', `江西${A}开川${B}实业`, '江西<mark>开川</mark>实业'],
    ['adjacent marks merge', `${A}开${B}${A}川${B}`, '<mark>开川</mark>'],
    ['markup in the data stays text', `${A}<script>${B}alert(1)</script>`, '<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;'],
    ['quotes and ampersands escaped', `"鸿运"&'东湖'`, '&quot;鸿运&quot;&amp;&#39;东湖&#39;'],
    ['an unclosed mark is closed', `${A}米粉`, '<mark>米粉</mark>'],
    ['a stray end marker is dropped', `米粉${B}坊`, '米粉坊'],
  ])('%s', (_rule, input, expected) => {
    expect(highlightToHtml(input)).toBe(expected);
  });
});

describe('filter values are escaped', () => {
  it.each([
    ['plain code', '360102', '"360102"'],
    ['a double quote', 'a"b', '"a\\"b"'],
    ['a backslash', 'a\\b', '"a\\\\b"'],
  ])('%s', (_rule, value, expected) => {
    expect(filterValue(value)).toBe(expected);
  });

  it('combines the chosen facets with AND', () => {
    expect(buildFilter({ city: '360100', county: '360102', category: '糕点', status: 'warning' })).toEqual([
      'cityCode = "360100"',
      'countyCode = "360102"',
      'categories = "糕点"',
      'status = "warning"',
    ]);
  });
});

describe('query parameters', () => {
  it('blank values count as absent', () => {
    const r = parseSearchParams(new URLSearchParams('q=%20米粉%20&city=&page='));
    expect(r.success && r.data).toEqual({ q: '米粉', page: 1, sort: 'relevance' });
  });
  it.each([
    ['a county code is six digits', 'county=abc', 'county'],
    ['a status must be a verdict status', 'status=bogus', 'status'],
    ['a page is a positive number', 'page=0', 'page'],
  ])('%s', (_rule, qs, field) => {
    const r = parseSearchParams(new URLSearchParams(qs));
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path[0]).toBe(field);
  });
  it('a query longer than Meilisearch reads (ten words) is cut, not refused: a full official name is searched by its head', () => {
    expect(parseSearchParams(new URLSearchParams({ q: '江西七宝酒业有限责任公司' })).success).toBe(true);
    const p = prepareQuery('江西七宝酒业有限责任公司');
    expect(p.runs).toEqual(['江西', '七宝酒业有限责任']);
    expect(p.cut).toBe(true);
    expect(prepareQuery('南昌县白沙镇复兴路86号').runs.join('|')).toBe('南昌县|白沙镇复兴|86|号');
    expect(prepareQuery('鸿运鸿运鸿运鸿运鸿运').cut).toBe(false);
    // many short words: trailing ones are dropped
    expect(prepareQuery('a b c d e f g h i j k l').runs).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
  });
  it('a county from another city is refused', () => {
    const r = parseSearchParams(new URLSearchParams({ city: '360400', county: '360102' }));
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path[0]).toBe('county');
  });
  it('totals past the hit cap read 1000+', () => {
    expect(formatTotal(999)).toBe('999');
    expect(formatTotal(1000)).toBe('1000+');
  });
});
