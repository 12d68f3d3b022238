import { describe, expect, it } from 'vitest';

import {
  parseFailedItemsCell,
  parseScientific,
  planVerdict,
  SamplingCellError,
} from '../../src/features/imports/sampling-cell.ts';
import type { FailedItem, SamplingLimit } from '../../src/features/imports/sampling-cell.ts';

/** Builds the official combined cell `不合格项目║检验结果║标准值`. */
const cell = (item: string, measured: string, limit: string): string => `${item}║${measured}║${limit}`;

type RowCase = {
  rule: string;
  row: number;
  item: string;
  measured: string;
  limit: string;
  expected: FailedItem;
};

// Columns failing_item, measured_value, standard_value of /work/shared/data/sampling-examples.csv rows 1–10.
const rows: RowCase[] = [
  {
    rule: 'non-unit parenthetical stays in the item name; unit taken from the values; ≤ limit is an inclusive max',
    row: 1,
    item: '苯甲酸及其钠盐(以苯甲酸计)',
    measured: '1.37 g/kg',
    limit: '≤1.0 g/kg',
    expected: {
      item: '苯甲酸及其钠盐(以苯甲酸计)',
      unit: 'g/kg',
      measuredText: '1.37 g/kg',
      measured: [{ text: '1.37', value: 1.37 }],
      limitText: '≤1.0 g/kg',
      limit: { kind: 'max', max: 1, inclusive: true, text: '≤1.0 g/kg', unit: 'g/kg' },
    },
  },
  {
    rule: 'plain item, single value with unit, inclusive max',
    row: 2,
    item: '二氧化硫残留量',
    measured: '0.29 g/kg',
    limit: '≤0.1 g/kg',
    expected: {
      item: '二氧化硫残留量',
      unit: 'g/kg',
      measuredText: '0.29 g/kg',
      measured: [{ text: '0.29', value: 0.29 }],
      limitText: '≤0.1 g/kg',
      limit: { kind: 'max', max: 0.1, inclusive: true, text: '≤0.1 g/kg', unit: 'g/kg' },
    },
  },
  {
    rule: 'five ;-separated values with a unit containing digits; two-class plan written with colons',
    row: 3,
    item: '铜绿假单胞菌',
    measured: '7;12;4;0;0 CFU/250mL',
    limit: 'n:5,c:0,m:0 CFU/250mL',
    expected: {
      item: '铜绿假单胞菌',
      unit: 'CFU/250mL',
      measuredText: '7;12;4;0;0 CFU/250mL',
      measured: [
        { text: '7', value: 7 },
        { text: '12', value: 12 },
        { text: '4', value: 4 },
        { text: '0', value: 0 },
        { text: '0', value: 0 },
      ],
      limitText: 'n:5,c:0,m:0 CFU/250mL',
      limit: { kind: 'plan', n: 5, c: 0, m: 0, M: null, text: 'n:5,c:0,m:0 CFU/250mL', unit: 'CFU/250mL' },
    },
  },
  {
    rule: 'two-class plan, another lot of the same shape',
    row: 4,
    item: '铜绿假单胞菌',
    measured: '8;7;3;4;12 CFU/250mL',
    limit: 'n:5,c:0,m:0 CFU/250mL',
    expected: {
      item: '铜绿假单胞菌',
      unit: 'CFU/250mL',
      measuredText: '8;7;3;4;12 CFU/250mL',
      measured: [
        { text: '8', value: 8 },
        { text: '7', value: 7 },
        { text: '3', value: 3 },
        { text: '4', value: 4 },
        { text: '12', value: 12 },
      ],
      limitText: 'n:5,c:0,m:0 CFU/250mL',
      limit: { kind: 'plan', n: 5, c: 0, m: 0, M: null, text: 'n:5,c:0,m:0 CFU/250mL', unit: 'CFU/250mL' },
    },
  },
  {
    rule: 'range limit with an annotated lower bound "0.6(80%标示值)~24.0"',
    row: 5,
    item: '钠',
    measured: '0.22 mg/100kJ',
    limit: '0.6(80%标示值)~24.0 mg/100kJ',
    expected: {
      item: '钠',
      unit: 'mg/100kJ',
      measuredText: '0.22 mg/100kJ',
      measured: [{ text: '0.22', value: 0.22 }],
      limitText: '0.6(80%标示值)~24.0 mg/100kJ',
      limit: { kind: 'range', min: 0.6, max: 24, text: '0.6(80%标示值)~24.0 mg/100kJ', unit: 'mg/100kJ' },
    },
  },
  {
    rule: 'three-class plan written with "=" and a trailing unit',
    row: 6,
    item: '菌落总数',
    measured: '2300;3900;2600;5100;3400 CFU/g',
    limit: 'n=5,c=2,m=1000,M=10000 CFU/g',
    expected: {
      item: '菌落总数',
      unit: 'CFU/g',
      measuredText: '2300;3900;2600;5100;3400 CFU/g',
      measured: [
        { text: '2300', value: 2300 },
        { text: '3900', value: 3900 },
        { text: '2600', value: 2600 },
        { text: '5100', value: 5100 },
        { text: '3400', value: 3400 },
      ],
      limitText: 'n=5,c=2,m=1000,M=10000 CFU/g',
      limit: { kind: 'plan', n: 5, c: 2, m: 1000, M: 10000, text: 'n=5,c=2,m=1000,M=10000 CFU/g', unit: 'CFU/g' },
    },
  },
  {
    rule: 'three-class plan, values all below M',
    row: 7,
    item: '菌落总数',
    measured: '380;1900;1600;1600;1200 CFU/g',
    limit: 'n=5,c=2,m=1000,M=10000 CFU/g',
    expected: {
      item: '菌落总数',
      unit: 'CFU/g',
      measuredText: '380;1900;1600;1600;1200 CFU/g',
      measured: [
        { text: '380', value: 380 },
        { text: '1900', value: 1900 },
        { text: '1600', value: 1600 },
        { text: '1600', value: 1600 },
        { text: '1200', value: 1200 },
      ],
      limitText: 'n=5,c=2,m=1000,M=10000 CFU/g',
      limit: { kind: 'plan', n: 5, c: 2, m: 1000, M: 10000, text: 'n=5,c=2,m=1000,M=10000 CFU/g', unit: 'CFU/g' },
    },
  },
  {
    rule: '"不得使用" is notAllowed, with the unit of the values',
    row: 8,
    item: '二氧化硫残留量',
    measured: '0.049 g/kg',
    limit: '不得使用',
    expected: {
      item: '二氧化硫残留量',
      unit: 'g/kg',
      measuredText: '0.049 g/kg',
      measured: [{ text: '0.049', value: 0.049 }],
      limitText: '不得使用',
      limit: { kind: 'notAllowed', text: '不得使用', unit: 'g/kg' },
    },
  },
  {
    rule: '"不得使用", another lot',
    row: 9,
    item: '二氧化硫残留量',
    measured: '0.022 g/kg',
    limit: '不得使用',
    expected: {
      item: '二氧化硫残留量',
      unit: 'g/kg',
      measuredText: '0.022 g/kg',
      measured: [{ text: '0.022', value: 0.022 }],
      limitText: '不得使用',
      limit: { kind: 'notAllowed', text: '不得使用', unit: 'g/kg' },
    },
  },
  {
    rule: 'unit parenthetical on the item, ×10⁴ values with a stray space, plan in powers of ten without unit',
    row: 10,
    item: '菌落总数(CFU/g)',
    measured: '6.2×10⁴;4.7×10⁴;8.2×10⁴;4.5×10⁴;4.6×10⁴',
    limit: 'n=5,c=2,m=10⁴,M=10⁵',
    expected: {
      item: '菌落总数',
      unit: 'CFU/g',
      measuredText: '6.2×10⁴;4.7×10⁴;8.2×10⁴;4.5×10⁴;4.6×10⁴',
      measured: [
        { text: '6.2×10⁴', value: 62000 },
        { text: '4.7×10⁴', value: 47000 },
        { text: '8.2×10⁴', value: 82000 },
        { text: '4.5×10⁴', value: 45000 },
        { text: '4.6×10⁴', value: 46000 },
      ],
      limitText: 'n=5,c=2,m=10⁴,M=10⁵',
      limit: { kind: 'plan', n: 5, c: 2, m: 10000, M: 100000, text: 'n=5,c=2,m=10⁴,M=10⁵', unit: 'CFU/g' },
    },
  },
];

describe('parseFailedItemsCell on sampling-examples.csv rows 1–10', () => {
  it.each(rows)('row $row: $rule', ({ item, measured, limit, expected }) => {
    expect(parseFailedItemsCell(cell(item, measured, limit))).toEqual([expected]);
  });
});

describe('葛粉 (row 10) as published in SOURCES.md §2a', () => {
  const published = '菌落总数(CFU/g)║6.2×10⁴;4.7×10⁴;8.2×10⁴; 4.5×10⁴;4.6×10⁴║n=5,c=2,m=10⁴,M=10⁵';
  const [parsed] = parseFailedItemsCell(published);

  it('the ; between the five values does not split items, the space after a ; is trimmed', () => {
    expect(parseFailedItemsCell(published)).toHaveLength(1);
    expect(parsed?.measured.map((v) => v.value)).toEqual([62000, 47000, 82000, 45000, 46000]);
    expect(parsed?.measuredText).toBe('6.2×10⁴;4.7×10⁴;8.2×10⁴; 4.5×10⁴;4.6×10⁴');
  });

  it('unit CFU/g comes from the item parenthetical', () => {
    expect(parsed?.item).toBe('菌落总数');
    expect(parsed?.unit).toBe('CFU/g');
  });

  it('plan n=5 c=2 m=10000 M=100000 and the GB 4789.1 verdict is fail (5 values > m, c = 2)', () => {
    const limit = parsed?.limit;
    expect(limit).toMatchObject({ kind: 'plan', n: 5, c: 2, m: 10000, M: 100000 });
    if (limit?.kind !== 'plan') throw new Error('expected a plan');
    const values = parsed?.measured.map((v) => v.value).filter((v): v is number => v !== null) ?? [];
    expect(planVerdict(values, limit)).toBe('fail');
  });
});

describe('planVerdict (GB 4789.1-2016) on the real rows', () => {
  it.each([
    { rule: 'row 3: two-class c=0 m=0, three detections > c', row: 3, expected: 'fail' },
    { rule: 'row 4: two-class c=0 m=0, five detections > c', row: 4, expected: 'fail' },
    { rule: 'row 6: all five values > m=1000, 5 > c=2', row: 6, expected: 'fail' },
    { rule: 'row 7: 4 values > m=1000 (none > M), 4 > c=2', row: 7, expected: 'fail' },
    { rule: 'row 10: all five values > m=10⁴ (none > M=10⁵), 5 > c=2', row: 10, expected: 'fail' },
  ])('$rule', ({ row, expected }) => {
    const source = rows.find((r) => r.row === row);
    if (!source) throw new Error(`row ${row} missing`);
    const [parsed] = parseFailedItemsCell(cell(source.item, source.measured, source.limit));
    if (parsed?.limit?.kind !== 'plan') throw new Error('expected a plan');
    const values = parsed.measured.map((v) => v.value).filter((v): v is number => v !== null);
    expect(planVerdict(values, parsed.limit)).toBe(expected);
  });
});

describe('planVerdict rules', () => {
  const threeClass = { n: 5, c: 2, m: 1000, M: 10000 };
  it.each([
    { rule: 'three-class: exactly c values above m passes', values: [500, 800, 1200, 2000, 900], plan: threeClass, expected: 'pass' },
    { rule: 'three-class: c + 1 values above m fails', values: [500, 1200, 1200, 2000, 900], plan: threeClass, expected: 'fail' },
    { rule: 'three-class: a value equal to m does not exceed it', values: [1000, 1000, 1000, 1000, 1000], plan: threeClass, expected: 'pass' },
    { rule: 'three-class: one value above M fails even with count ≤ c', values: [10, 10, 10, 10, 10001], plan: threeClass, expected: 'fail' },
    { rule: 'three-class: a value equal to M is marginal, not a failure', values: [10, 10, 10, 10, 10000], plan: threeClass, expected: 'pass' },
    { rule: 'two-class (M null): none above m passes', values: [0, 0, 0, 0, 0], plan: { n: 5, c: 0, m: 0, M: null }, expected: 'pass' },
    { rule: 'two-class (M null) c=0: one detection fails', values: [1, 0, 0, 0, 0], plan: { n: 5, c: 0, m: 0, M: null }, expected: 'fail' },
    { rule: 'two-class (M null) c=1: one value above m passes, no M to exceed', values: [1e9, 0, 0, 0, 0], plan: { n: 5, c: 1, m: 100, M: null }, expected: 'pass' },
  ] as const)('$rule', ({ values, plan, expected }) => {
    expect(planVerdict([...values], plan)).toBe(expected);
  });

  it.each([
    { rule: 'a non-finite value is rejected', values: [Number.NaN], plan: threeClass },
    { rule: 'a negative c is rejected', values: [1], plan: { n: 5, c: -1, m: 1, M: null } },
    { rule: 'M below m is rejected', values: [1], plan: { n: 5, c: 0, m: 10, M: 1 } },
  ])('$rule', ({ values, plan }) => {
    expect(() => planVerdict(values, plan)).toThrow(RangeError);
  });
});

describe('parseScientific', () => {
  it.each([
    { rule: 'plain decimal', text: '1.37', expected: 1.37 },
    { rule: 'plain integer', text: '2300', expected: 2300 },
    { rule: 'mantissa × superscript power of ten, exact', text: '6.2×10⁴', expected: 62000 },
    { rule: 'bare superscript power of ten', text: '10⁴', expected: 10000 },
    { rule: 'caret power of ten', text: '10^5', expected: 100000 },
    { rule: 'mantissa x caret power', text: '1.5x10^3', expected: 1500 },
    { rule: 'E notation with explicit sign', text: '1.0E+04', expected: 10000 },
    { rule: 'superscript minus', text: '1.5×10⁻²', expected: 0.015 },
    { rule: 'U+2212 minus in a caret exponent', text: '2×10^−3', expected: 0.002 },
    { rule: '"<" bound gives the bound', text: '<10', expected: 10 },
    { rule: 'full-width "＜" and digits', text: '＜１０', expected: 10 },
    { rule: 'spaces inside are ignored', text: ' 6.2 × 10⁴ ', expected: 62000 },
    { rule: '未检出 is not a number', text: '未检出', expected: null },
    { rule: 'empty text is not a number', text: '', expected: null },
    { rule: '"/" placeholder is not a number', text: '/', expected: null },
    { rule: 'a value with a unit is not a bare number', text: '1.37 g/kg', expected: null },
  ])('$rule: $text → $expected', ({ text, expected }) => {
    expect(parseScientific(text)).toBe(expected);
  });
});

describe('limit shapes', () => {
  const limitOf = (limit: string, item = '项目'): SamplingLimit | null =>
    parseFailedItemsCell(cell(item, '1', limit))[0]?.limit ?? null;

  it.each<{ rule: string; limit: string; expected: SamplingLimit | null }>([
    { rule: 'empty limit is null', limit: '', expected: null },
    { rule: '≤ with unit glued to the number', limit: '≤0.5g/100g', expected: { kind: 'max', max: 0.5, inclusive: true, text: '≤0.5g/100g', unit: 'g/100g' } },
    { rule: 'full-width ＜ is an exclusive max', limit: '＜0.5', expected: { kind: 'max', max: 0.5, inclusive: false, text: '＜0.5', unit: null } },
    { rule: '≥ with a space is an inclusive min', limit: '≥ 0.5', expected: { kind: 'min', min: 0.5, inclusive: true, text: '≥ 0.5', unit: null } },
    { rule: '> is an exclusive min', limit: '>38.0%vol', expected: { kind: 'min', min: 38, inclusive: false, text: '>38.0%vol', unit: '%vol' } },
    { rule: '不得检出 is notAllowed', limit: '不得检出', expected: { kind: 'notAllowed', text: '不得检出', unit: null } },
    { rule: 'dash range', limit: '5.0-8.0', expected: { kind: 'range', min: 5, max: 8, text: '5.0-8.0', unit: null } },
    {
      rule: 'full-width plan separators ＝ and ，',
      limit: 'n＝5，c＝0，m＝0',
      expected: { kind: 'plan', n: 5, c: 0, m: 0, M: null, text: 'n＝5，c＝0，m＝0', unit: null },
    },
    {
      rule: 'full-width ： in a plan',
      limit: 'n：5，c：2，m：10，M：100 CFU/g',
      expected: { kind: 'plan', n: 5, c: 2, m: 10, M: 100, text: 'n：5，c：2，m：10，M：100 CFU/g', unit: 'CFU/g' },
    },
    {
      rule: 'plan with per-25g unit on m (沙门氏菌)',
      limit: 'n=5,c=0,m=0/25g',
      expected: { kind: 'plan', n: 5, c: 0, m: 0, M: null, text: 'n=5,c=0,m=0/25g', unit: '/25g' },
    },
    { rule: 'incomplete plan is text', limit: 'n=5,c=2', expected: { kind: 'text', text: 'n=5,c=2', unit: null } },
    {
      rule: 'prose is text',
      limit: '不符合食品安全国家标准规定',
      expected: { kind: 'text', text: '不符合食品安全国家标准规定', unit: null },
    },
    { rule: 'bare number is not guessed as a max', limit: '0.5', expected: { kind: 'text', text: '0.5', unit: null } },
  ])('$rule: "$limit"', ({ limit, expected }) => {
    expect(limitOf(limit)).toEqual(expected);
  });
});

describe('units', () => {
  it.each([
    { rule: 'unit only on the limit is used for the item', text: '项目║0.6║≤0.5 g/kg', unit: 'g/kg', values: [0.6] },
    { rule: 'full-width unit parenthetical', text: '大肠菌群（MPN/g）║3.6║≤3.0', unit: 'MPN/g', values: [3.6] },
    { rule: '%vol parenthetical is a unit', text: '酒精度(%vol)║35.2║≥38.0', unit: '%vol', values: [35.2] },
    { rule: 'note parenthetical then unit parenthetical: only the last is the unit', text: '过氧化值(以脂肪计)(g/100g)║0.31║≤0.25', unit: 'g/100g', values: [0.31] },
    { rule: 'values in mg/kg are converted to the item unit g/kg', text: '脱氢乙酸及其钠盐(g/kg)║370 mg/kg║≤0.5', unit: 'g/kg', values: [0.37] },
    { rule: 'values in an unrelated unit give null, text kept', text: '项目(g/kg)║12 CFU/g║≤1', unit: 'g/kg', values: [null] },
    { rule: 'no unit anywhere is null', text: '项目║1.2║≤1', unit: null, values: [1.2] },
  ])('$rule', ({ text, unit, values }) => {
    const [parsed] = parseFailedItemsCell(text);
    expect(parsed?.unit).toBe(unit);
    expect(parsed?.measured.map((v) => v.value)).toEqual(values);
  });

  it('item keeps "(以苯甲酸计)" and limit keeps its own unit when the item has one', () => {
    const [parsed] = parseFailedItemsCell('苯甲酸及其钠盐(以苯甲酸计)(g/kg)║1370 mg/kg║≤1000 mg/kg');
    expect(parsed).toMatchObject({ item: '苯甲酸及其钠盐(以苯甲酸计)', unit: 'g/kg', measured: [{ text: '1370', value: 1.37 }] });
    expect(parsed?.limit).toEqual({ kind: 'max', max: 1000, inclusive: true, text: '≤1000 mg/kg', unit: 'mg/kg' });
  });
});

describe('cell structure', () => {
  it.each([
    { rule: 'empty cell gives no items', text: '', items: [] },
    { rule: 'blank cell gives no items', text: '  \n ', items: [] },
    { rule: 'cell with no ║ is one item with empty measured and limit', text: '防腐剂混合使用时各自用量占其最大使用量的比例之和', items: ['防腐剂混合使用时各自用量占其最大使用量的比例之和'] },
    { rule: '\\n separates items', text: '铅║1.2 mg/kg║≤0.5 mg/kg\n镉║0.3 mg/kg║≤0.1 mg/kg', items: ['铅', '镉'] },
    { rule: '\\r\\n separates items and blank lines are skipped', text: '铅║1.2║≤0.5\r\n\r\n镉║0.3║≤0.1\r\n', items: ['铅', '镉'] },
    { rule: '； separates items when each part has its own ║', text: '铅║1.2║≤0.5；镉║0.3║≤0.1', items: ['铅', '镉'] },
    { rule: '; separates items when each part has its own ║', text: '铅║1.2║≤0.5;镉║0.3║≤0.1', items: ['铅', '镉'] },
    {
      rule: '; between microbiology values is kept while ; between items splits',
      text: '菌落总数║2300;3900;2600;5100;3400 CFU/g║n=5,c=2,m=1000,M=10000 CFU/g;大肠菌群║10;20;<10;<10;30 CFU/g║n=5,c=2,m=10,M=100 CFU/g',
      items: ['菌落总数', '大肠菌群'],
    },
    { rule: '; followed by a part without ║ is not a new item', text: '铅║1.2║≤0.5;镉', items: ['铅'] },
    { rule: 'a line with no ║ next to a full line is its own item', text: '铅║1.2║≤0.5\n大肠菌群', items: ['铅', '大肠菌群'] },
  ])('$rule', ({ text, items }) => {
    expect(parseFailedItemsCell(text).map((i) => i.item)).toEqual(items);
  });

  it('the second of two ;-separated microbiology items keeps its five values', () => {
    const parsed = parseFailedItemsCell(
      '菌落总数║2300;3900;2600;5100;3400 CFU/g║n=5,c=2,m=1000,M=10000 CFU/g;大肠菌群║10;20;<10;<10;30 CFU/g║n=5,c=2,m=10,M=100 CFU/g',
    );
    expect(parsed[1]?.measured).toEqual([
      { text: '10', value: 10 },
      { text: '20', value: 20 },
      { text: '<10', value: 10 },
      { text: '<10', value: 10 },
      { text: '30', value: 30 },
    ]);
    expect(parsed[1]?.limit).toMatchObject({ kind: 'plan', n: 5, c: 2, m: 10, M: 100, unit: 'CFU/g' });
  });

  it('a part with one ║ has a measured value and no limit', () => {
    expect(parseFailedItemsCell('铅║1.2 mg/kg')).toEqual([
      { item: '铅', unit: 'mg/kg', measuredText: '1.2 mg/kg', measured: [{ text: '1.2', value: 1.2 }], limitText: '', limit: null },
    ]);
  });

  it('full-width characters in values are kept in text and parsed in value', () => {
    const [parsed] = parseFailedItemsCell('铅（以Pb计）║１.２ mg/kg║＜0.5mg/kg');
    expect(parsed).toMatchObject({ item: '铅（以Pb计）', unit: 'mg/kg', measured: [{ text: '１.２', value: 1.2 }] });
    expect(parsed?.limit).toEqual({ kind: 'max', max: 0.5, inclusive: false, text: '＜0.5mg/kg', unit: 'mg/kg' });
  });

  it('non-numeric results are kept as text with a null value', () => {
    const [parsed] = parseFailedItemsCell('沙门氏菌║检出;未检出;未检出;未检出;未检出║n=5,c=0,m=0/25g');
    expect(parsed?.measured.map((v) => [v.text, v.value])).toEqual([
      ['检出', null],
      ['未检出', null],
      ['未检出', null],
      ['未检出', null],
      ['未检出', null],
    ]);
  });
});

describe('errors', () => {
  it.each([
    { rule: 'three ║ in one part', text: '铅║1.2║≤0.5║GB 2762' },
    { rule: 'a ; part that cannot start a new item makes the current one overfull', text: '铅║1.2;镉║0.3║≤0.1' },
    { rule: 'overfull part on the second line', text: '铅║1.2║≤0.5\n镉║0.3║≤0.1║x' },
    { rule: 'no item name before ║', text: '║1.2║≤0.5' },
  ])('$rule throws SamplingCellError with a Chinese message', ({ text }) => {
    expect(() => parseFailedItemsCell(text)).toThrow(SamplingCellError);
    try {
      parseFailedItemsCell(text);
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as SamplingCellError).message).toMatch(/^不合格项目单元格格式不正确：/);
      expect((error as SamplingCellError).name).toBe('SamplingCellError');
    }
  });
});
