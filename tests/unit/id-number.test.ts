import { describe, expect, it } from 'vitest';
import { idCheckCharacter, idNumberProblem, normalizeIdNumber } from '../../src/features/tips/id-number.ts';

// fictitious numbers built with the check character of the standard: no real person's number
const valid = (first17: string) => `${first17}${idCheckCharacter(first17)}`;

describe('GB 11643 identity numbers', () => {
  it('the standard example 11010519491231002X has check character X', () => expect(idCheckCharacter('11010519491231002')).toBe('X'));
  it.each([
    ['a valid number', valid('36010219900101001'), null],
    ['x is read as X', valid('11010519491231002').toLowerCase(), null],
    ['full-width digits', valid('36010219900101001').replace(/\d/gu, (d) => String.fromCharCode(0xff10 + Number(d))), null],
    ['a wrong check character', `${'36010219900101001'}${idCheckCharacter('36010219900101001') === '0' ? '1' : '0'}`, 'checkCharacter'],
    ['17 characters', '36010219900101001', 'format'],
    ['a letter inside', '3601021990010100A1', 'format'],
    ['a birth date that does not exist', valid('36010219900230001'), 'birthDate'],
    ['a birth date in the future', valid('36010220991231001'), 'birthDate'],
  ])('%s', (_rule, input, problem) => expect(idNumberProblem(input, '2026-11-29')).toBe(problem));
  it('normalises to upper-case X without spaces', () => expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X'));
});
