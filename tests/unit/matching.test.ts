/**
 * Matching a row of an official table to a party on file (issue #5 point 5): credit code first,
 * then registration no., then name + county; the first rule that finds someone decides.
 */
import { describe, expect, it } from 'vitest';
import { isMaskedName, listLookup, maskMarksOf, matchParty, type PartyCandidate, type PartyHint } from '../../src/features/imports/matching.ts';

const onFile: PartyCandidate[] = [
  { id: 1, name: '南昌县鸿福食品厂', uscc: '91360121MA35XXXXXX', registrationNo: null, countyCode: '360121' },
  { id: 2, name: '进贤县李渡米粉作坊', uscc: null, registrationNo: 'XZF36012400007', countyCode: '360124' },
  { id: 3, name: '同名食品店', uscc: null, registrationNo: null, countyCode: '360102' },
  { id: 4, name: '同名食品店', uscc: null, registrationNo: null, countyCode: '360121' },
  { id: 5, name: '无县主体', uscc: null, registrationNo: null, countyCode: null },
  { id: 6, name: '另一个名字', uscc: null, registrationNo: 'XZF36012100001', countyCode: '360121' },
];
const lookup = listLookup(onFile);
const hint = (h: Partial<PartyHint>): PartyHint => ({ name: '', uscc: null, registrationNo: null, countyCode: null, ...h });

describe('the order of the rules', () => {
  it.each([
    ['the credit code wins over a different name', hint({ name: '改过名的食品厂', uscc: '91360121MA35XXXXXX' }), { partyId: 1, method: 'uscc' }],
    ['the credit code wins over a registration no. of another party', hint({ name: '另一个名字', uscc: '91360121MA35XXXXXX', registrationNo: 'XZF36012100001' }), { partyId: 1, method: 'uscc' }],
    ['an unknown credit code falls through to the registration no.', hint({ name: 'x', uscc: '91360000000000000X', registrationNo: 'XZF36012400007' }), { partyId: 2, method: 'registrationNo' }],
    ['the registration no. wins over the name', hint({ name: '南昌县鸿福食品厂', registrationNo: 'XZF36012100001', countyCode: '360121' }), { partyId: 6, method: 'registrationNo' }],
    ['name + county when no code is given', hint({ name: '南昌县鸿福食品厂', countyCode: '360121' }), { partyId: 1, method: 'nameCounty' }],
    ['a name without a county matches a party that has one', hint({ name: '南昌县鸿福食品厂' }), { partyId: 1, method: 'nameCounty' }],
    ['a party without a county matches a row that has one', hint({ name: '无县主体', countyCode: '360121' }), { partyId: 5, method: 'nameCounty' }],
  ])('%s', (_rule, h, expected) => {
    expect(matchParty(h, lookup)).toMatchObject(expected);
  });

  it('the same name in another county is not a match', () => {
    expect(matchParty(hint({ name: '南昌县鸿福食品厂', countyCode: '360124' }), lookup)).toBeNull();
  });
  it('nothing matches: null', () => {
    expect(matchParty(hint({ name: '从未见过的作坊', countyCode: '360121' }), lookup)).toBeNull();
  });
  it('the name must be exact (no partial or homophone matches)', () => {
    expect(matchParty(hint({ name: '南昌县某某食品' }), lookup)).toBeNull();
  });
});

describe('several parties of the same name', () => {
  it('the one in the row’s county wins, flagged as ambiguous', () => {
    expect(matchParty(hint({ name: '同名食品店', countyCode: '360121' }), lookup)).toEqual({ partyId: 4, method: 'nameCounty', ambiguous: false });
  });
  it('without a county, the oldest wins and the match is ambiguous', () => {
    expect(matchParty(hint({ name: '同名食品店' }), lookup)).toEqual({ partyId: 3, method: 'nameCounty', ambiguous: true });
  });
  it('a party on file wins over one the same import will create (negative id)', () => {
    const withNew = listLookup([...onFile, { id: -2, name: '无县主体', uscc: null, registrationNo: null, countyCode: null }]);
    expect(matchParty(hint({ name: '无县主体' }), withNew)).toMatchObject({ partyId: 5, ambiguous: true });
  });
});

describe('a masked name is never matched by name (issue 9 point 6)', () => {
  // real rows of seeds/official and the shared data: 广昌县[人名]早点店 must not merge into another shop
  const masked: PartyCandidate[] = [
    { id: 10, name: '广昌县[人名]早点店', uscc: null, registrationNo: null, countyCode: '361030' },
    { id: 11, name: '李某某', uscc: '92361030MA00000000', registrationNo: null, countyCode: '361030' },
    { id: 12, name: '南昌县[人名]包子店', uscc: null, registrationNo: 'XZF36012100099', countyCode: '360121' },
  ];
  const withMasked = listLookup([...onFile, ...masked]);

  it('the same masked name in the same county is not a match', () => {
    expect(matchParty(hint({ name: '广昌县[人名]早点店', countyCode: '361030' }), withMasked)).toBeNull();
  });
  it('a masked name without a county is not a match either', () => {
    expect(matchParty(hint({ name: '李某某' }), withMasked)).toBeNull();
  });
  it('a masked name is matched by its credit code', () => {
    expect(matchParty(hint({ name: '李某某', uscc: '92361030MA00000000' }), withMasked)).toEqual({ partyId: 11, method: 'uscc', ambiguous: false });
  });
  it('a masked name is matched by its registration no.', () => {
    expect(matchParty(hint({ name: '南昌县[人名]包子店', registrationNo: 'XZF36012100099' }), withMasked)).toMatchObject({ partyId: 12, method: 'registrationNo' });
  });
  it('a row named in full still matches by name + county', () => {
    expect(matchParty(hint({ name: '南昌县鸿福食品厂', countyCode: '360121' }), withMasked)).toMatchObject({ partyId: 1, method: 'nameCounty' });
  });
});

describe('maskMarksOf: the marks announcements use to hide part of a name', () => {
  it.each<[string, string, ReturnType<typeof maskMarksOf>]>([
    ['[人名] of the seeds (real row)', '弋阳县[人名]烘焙快车面包店', ['placeholder']],
    ['[人名] alone (real row: a stall named by a person)', '[人名]', ['placeholder']],
    ['full-width brackets', '余干县［姓名］干货店', ['placeholder']],
    ['lenticular brackets', '【个人姓名已省略】水果店', ['placeholder']],
    ['an asterisk', '张*明米粉店', ['asterisk']],
    ['a full-width asterisk', '张＊明米粉店', ['asterisk']],
    ['某 (real row: 安福县某蛋糕店)', '安福县某蛋糕店', ['mou']],
    ['某某 (real row: 李某某)', '李某某', ['mou']],
    ['某某 heading a company name (real row)', '某某食品有限公司(上饶)', ['mou']],
    ['the multiplication sign', '张×明粮油店', ['cross']],
    ['a run of X (real note: 原文以XXXX隐去)', '横峰县XXXX店', ['cross']],
    ['lower-case xx', '南城县xx副食店', ['cross']],
    ['one X between Chinese characters', '张X明卤菜店', ['cross']],
    ['a white circle', '王○○豆腐坊', ['circle']],
    ['the ideographic zero used as a mask', '王〇〇豆腐坊', ['circle']],
    ['a box', '刘□□酒坊', ['box']],
    ['two kinds at once', '[人名]某某店', ['placeholder', 'mou']],
  ])('%s: %s', (_rule, name, marks) => {
    expect(maskMarksOf(name)).toEqual(marks);
    expect(isMaskedName(name)).toBe(true);
  });

  it.each([
    ['a name in full (real row)', '南丰县发到家超市'],
    ['round brackets in a registered name', '鸿运（东湖）食品加工坊'],
    ['half-width round brackets (real row)', '沃尔玛(江西)百货有限公司鹰潭站江路分店'],
    ['a Latin word with an X', 'XO酱坊'],
    ['an X inside a Latin brand', 'MAX烘焙坊'],
    ['the ideographic zero in a numeral', '二〇〇八年老字号米粉店'],
    ['a Chinese numeral name', '一〇八食品店'],
    ['a name with a middle dot (real row)', '江西·上饶市信江酒业有限公司'],
  ])('not a mask: %s: %s', (_rule, name) => {
    expect(maskMarksOf(name)).toEqual([]);
    expect(isMaskedName(name)).toBe(false);
  });
});
