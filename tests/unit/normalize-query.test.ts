import { describe, expect, it } from 'vitest';
import { charTokens, indexChars, normalizeCode, normalizeText, normalizeWithMap } from '../../src/features/search/normalize.ts';
import { codeTokens, cropAndHighlight, highlightRuns, pinyinSortKey, pinyinTokens, prepareQuery } from '../../src/features/search/query.ts';

describe('one normalisation for queries and documents', () => {
  it.each([
    ['full-width letters and digits become half-width, lower case', 'ＸＺＦ３６０１２１', 'xzf360121'],
    ['traditional becomes simplified', '開川實業糕點', '开川实业糕点'],
    ['Chinese brackets separate words', '鸿运（东湖）食品', '鸿运 东湖 食品'],
    ['ASCII brackets and quotes separate words', '"老王"(东湖)', '老王 东湖'],
    ['stray punctuation is dropped', '米粉！！！。', '米粉'],
    ['runs of separators become one space', '米粉 ， 。 坊', '米粉 坊'],
    ['a rare character outside the BMP survives', '𠮷野家', '𠮷野家'],
  ])('%s', (_rule, input, expected) => expect(normalizeText(input)).toBe(expected));

  it('maps every output character back to its source character', () => {
    const { text, map } = normalizeWithMap('「開」𠮷a');
    expect(text).toBe('开 𠮷a');
    expect(map).toEqual([1, 2, 3, 5]);
  });

  it('indexes every Han character as its own token and keeps letter and digit runs whole', () => {
    expect(charTokens('鸿运 东湖 食品abc12')).toEqual(['鸿', '运', '东', '湖', '食', '品', 'abc12']);
    expect(indexChars('鸿运（东湖）')).toBe('鸿 运 东 湖');
  });

  it('codes keep leading zeros and lose spaces and dashes', () => expect(normalizeCode(' xzf-0360 102 ')).toBe('XZF0360102'));
});

describe('queries', () => {
  it.each([
    ['a Chinese run becomes a phrase of characters, literal fields only', '鸿运食品', '"鸿 运 食 品"', false],
    ['a place at the head of a run is split off (no space typed)', '东湖食品', '"东 湖" "食 品"', false],
    ['the longest place name is split off', '南昌县米粉', '"南 昌 县" "米 粉"', false],
    ['a place with one character after it stays whole', '南昌县', '"南 昌 县"', false],
    ['a place not at the head stays inside its run', '老南昌米粉', '"老 南 昌 米 粉"', false],
    ['one Chinese character stays a word', '坊', '坊', false],
    ['Chinese words each become a phrase', '东湖 食品', '"东 湖" "食 品"', false],
    ['quotes typed by the user cannot open a phrase', '"米粉', '"米 粉"', false],
    ['letters search codes and pinyin too', 'mifen', 'mifen', true],
    ['a code is one word, in any width and case', 'ｘｚｆ３６０１', 'xzf3601', true],
    ['mixed scripts split into runs', 'abc食品', 'abc "食 品"', false],
    ['punctuation only is an empty query', '！？', '', true],
    ['a code typed in groups is one code', 'XZF 3601 2100 001', 'xzf36012100001', true],
    ['two short Latin words stay two words', 'laoli mifen', 'laoli mifen', true],
    ['ü is searched as v, as the index holds it (lü finds 绿, not 芦)', 'lü', 'lv', true],
    ['tone marks are dropped', 'lǚ ān', 'lv an', true],
  ])('%s', (_rule, input, q, pinyin) => {
    const p = prepareQuery(input);
    expect(p.q).toBe(q);
    expect(p.attributes.includes('pinyin')).toBe(pinyin);
  });
});

describe('pinyin and code tokens', () => {
  it('pinyin runs join consecutive syllables, initials from two letters', () => {
    const { full, initials } = pinyinTokens('老李米粉坊');
    expect(full).toEqual(expect.arrayContaining(['lao', 'laoli', 'mifen', 'laolimifen', 'laolimifenfang']));
    expect(initials).toEqual(expect.arrayContaining(['ll', 'llmf', 'llmff', 'mf']));
    expect(initials).not.toContain('l');
  });
  it('a surname takes its surname reading: 曾 is zeng', () => {
    expect(pinyinTokens('曾家米粉坊').full).toContain('zengjia');
    expect(pinyinSortKey('曾家米粉坊').startsWith('zeng')).toBe(true);
  });
  it('pinyin runs stop at brackets', () => {
    expect(pinyinTokens('老李（安义）米粉坊').full).not.toContain('lianyi');
  });
  it('names sort by pinyin: 阿香 < 赣味 < 文港 < 中心', () => {
    const names = ['中心糕点坊', '文港腊肉作坊', '阿香米粉店', '赣味豆制品坊'];
    expect([...names].sort((a, b) => pinyinSortKey(a).localeCompare(pinyinSortKey(b)))).toEqual(['阿香米粉店', '赣味豆制品坊', '文港腊肉作坊', '中心糕点坊']);
  });
  it('a registration no. gives itself and its tails of four or more', () => {
    const tokens = codeTokens('XZF36010200012', '92360102MA00000000');
    expect(tokens).toEqual(expect.arrayContaining(['XZF36010200012', '00012', '0012', '92360102MA00000000']));
    expect(tokens).not.toContain('012');
  });
});

describe('highlights', () => {
  it.each([
    ['across a bracket', '鸿运（东湖）食品加工坊', ['东湖食品'], '鸿运（<mark>东湖</mark>）<mark>食品</mark>加工坊'],
    ['a traditional query marks the simplified name', '开川实业', ['开川'], '<mark>开川</mark>实业'],
    ['a simplified query marks a traditional name', '開川實業', ['开川'], '<mark>開川</mark>實業'],
    ['markup in the data is escaped', '<b>米粉</b>坊', ['米粉'], '&lt;b&gt;<mark>米粉</mark>&lt;/b&gt;坊'],
    ['every occurrence', '米粉米粉', ['米粉'], '<mark>米粉米粉</mark>'],
    ['nothing to mark', '腊肉坊', ['米粉'], '腊肉坊'],
    ['a rare character', '𠮷野家', ['𠮷'], '<mark>𠮷</mark>野家'],
  ])('%s', (_rule, text, runs, html) => expect(highlightRuns(text, runs)).toBe(html));

  it('a long address is cropped around its first match', () => {
    const html = cropAndHighlight('江西省南昌市东湖区某某街道某某路某某小区某某号楼一单元某某号米粉店旁边', ['米粉'], 16);
    expect(html).toContain('<mark>米粉</mark>');
    expect(html.startsWith('…')).toBe(true);
    expect(html.replace(/<\/?mark>|…/gu, '').length).toBeLessThanOrEqual(16);
  });
});
