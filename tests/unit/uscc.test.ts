import { describe, expect, it } from 'vitest';

import { isValidUscc, normalizeUscc, USCC_ALPHABET, usccCheckCharacter } from '../../src/features/workshops/uscc.ts';

describe('USCC_ALPHABET (GB 32100-2015 code characters)', () => {
  it('is 0-9 then A-Z without I, O, Z, S, V: 31 characters', () => {
    expect(USCC_ALPHABET).toBe('0123456789ABCDEFGHJKLMNPQRTUWXY');
    expect(USCC_ALPHABET).toHaveLength(31);
    for (const excluded of ['I', 'O', 'Z', 'S', 'V']) expect(USCC_ALPHABET).not.toContain(excluded);
  });
});

describe('usccCheckCharacter (weighted sum mod 31)', () => {
  it.each([
    { rule: 'published example 91350100M000100Y4 → 3', first17: '91350100M000100Y4', expected: '3' },
    { rule: 'published Anhui shop 92341822MA2RFB9F7 → J', first17: '92341822MA2RFB9F7', expected: 'J' },
    { rule: 'sum divisible by 31 (31 - 0 = 31) maps to "0"', first17: '00000000000000000', expected: '0' },
    { rule: 'lower-case input is normalised first', first17: '92341822ma2rfb9f7', expected: 'J' },
  ])('$rule', ({ first17, expected }) => {
    expect(usccCheckCharacter(first17)).toBe(expected);
  });

  it.each([
    { rule: 'length 16 is rejected', first17: '91350100M000100Y' },
    { rule: 'letter I is not in the alphabet', first17: '91350100M000100I4' },
  ])('$rule with RangeError', ({ first17 }) => {
    expect(() => usccCheckCharacter(first17)).toThrow(RangeError);
  });
});

describe('isValidUscc', () => {
  it.each([
    { rule: 'valid: published example code 91350100M000100Y43', code: '91350100M000100Y43', expected: true },
    {
      rule: 'valid: published Anhui individual business code 92341822MA2RFB9F7J (weighted sum 2648, 2648 mod 31 = 13, 31 - 13 = 18 → J)',
      code: '92341822MA2RFB9F7J',
      expected: true,
    },
    { rule: 'valid after trimming surrounding spaces', code: '  91350100M000100Y43 ', expected: true },
    { rule: 'valid after upper-casing lower-case letters', code: '92341822ma2rfb9f7j', expected: true },
    { rule: 'valid after full-width to half-width', code: '９２３４１８２２ＭＡ２ＲＦＢ９Ｆ７Ｊ', expected: true },
    { rule: 'invalid: wrong check character (4 instead of 3)', code: '91350100M000100Y44', expected: false },
    { rule: 'invalid: wrong check character (K instead of J)', code: '92341822MA2RFB9F7K', expected: false },
    { rule: 'invalid: letter I is not in the alphabet', code: '91350100M000100I43', expected: false },
    { rule: 'invalid: letter O in the check position', code: '91350100M000100Y4O', expected: false },
    { rule: 'invalid: length 17', code: '91350100M000100Y4', expected: false },
    { rule: 'invalid: length 19', code: '91350100M000100Y433', expected: false },
    { rule: 'invalid: empty', code: '', expected: false },
    { rule: 'invalid: 行政区划码 positions 3-8 must be digits', code: '91A50100M000100Y43', expected: false },
    { rule: 'invalid: punctuation inside', code: '91350100-M000100Y4', expected: false },
  ])('$rule', ({ code, expected }) => {
    expect(isValidUscc(code)).toBe(expected);
  });
});

describe('normalizeUscc', () => {
  it.each([
    { rule: 'trims and upper-cases', input: ' 92341822ma2rfb9f7j\n', expected: '92341822MA2RFB9F7J' },
    { rule: 'full-width to half-width', input: '９１３５０１００Ｍ０００１００Ｙ４３', expected: '91350100M000100Y43' },
    { rule: 'removes inner and ideographic spaces', input: '9135 0100\u3000M000100Y43', expected: '91350100M000100Y43' },
    { rule: 'does not validate', input: 'abc', expected: 'ABC' },
  ])('$rule', ({ input, expected }) => {
    expect(normalizeUscc(input)).toBe(expected);
  });
});
