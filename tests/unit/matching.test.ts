/**
 * Matching a row of an official table to a party on file (issue #5 point 5): credit code first,
 * then registration no., then name + county; the first rule that finds someone decides.
 */
import { describe, expect, it } from 'vitest';
import { listLookup, matchParty, type PartyCandidate, type PartyHint } from '../../src/features/imports/matching.ts';

const onFile: PartyCandidate[] = [
  { id: 1, name: '南昌县某某食品厂', uscc: '91360121MA35XXXXXX', registrationNo: null, countyCode: '360121' },
  { id: 2, name: '进贤县某某米粉作坊', uscc: null, registrationNo: 'XZF36012400007', countyCode: '360124' },
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
    ['the registration no. wins over the name', hint({ name: '南昌县某某食品厂', registrationNo: 'XZF36012100001', countyCode: '360121' }), { partyId: 6, method: 'registrationNo' }],
    ['name + county when no code is given', hint({ name: '南昌县某某食品厂', countyCode: '360121' }), { partyId: 1, method: 'nameCounty' }],
    ['a name without a county matches a party that has one', hint({ name: '南昌县某某食品厂' }), { partyId: 1, method: 'nameCounty' }],
    ['a party without a county matches a row that has one', hint({ name: '无县主体', countyCode: '360121' }), { partyId: 5, method: 'nameCounty' }],
  ])('%s', (_rule, h, expected) => {
    expect(matchParty(h, lookup)).toMatchObject(expected);
  });

  it('the same name in another county is not a match', () => {
    expect(matchParty(hint({ name: '南昌县某某食品厂', countyCode: '360124' }), lookup)).toBeNull();
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
