import { describe, expect, it } from 'vitest';
import { charLength, formatAccessCode, formatReceiptNo, normalizeAccessCode, normalizeMobile, normalizeReceiptNo, tipFormSchema } from '../../src/features/tips/tip.ts';
import { maskPersonName } from '../../src/features/workshops/workshop.ts';

describe('mobile numbers normalise to 11 digits', () => {
  it.each([
    ['plain', '13800138000', '13800138000'],
    ['+86 with spaces', '+86 138 0013 8000', '13800138000'],
    ['0086 prefix', '008613800138000', '13800138000'],
    ['full-width digits', '１３８００１３８０００', '13800138000'],
    ['19x prefix', '19912345678', '19912345678'],
    ['dashes', '138-0013-8000', '13800138000'],
  ])('%s', (_rule, input, out) => expect(normalizeMobile(input)).toBe(out));
  it.each([
    ['too short', '1380013800'],
    ['landline', '07918888888'],
    ['12x is not a mobile prefix', '12800138000'],
    ['letters', '1380013800a'],
  ])('%s is refused', (_rule, input) => expect(normalizeMobile(input)).toBeNull());
});

describe('receipt numbers and access codes', () => {
  it('a receipt is shown 4-4-4-4', () => expect(formatReceiptNo('1234567890123456')).toBe('1234-5678-9012-3456'));
  it('a typed receipt with dashes and full-width digits is read back', () => expect(normalizeReceiptNo('１２３４-5678 9012-3456')).toBe('1234567890123456'));
  it('a 15-digit receipt is refused', () => expect(normalizeReceiptNo('123456789012345')).toBeNull());
  it('an access code is read case-insensitively without its dash', () => expect(normalizeAccessCode('abcde-fghjk')).toBe('ABCDEFGHJK'));
  it('an access code with an ambiguous O is refused', () => expect(normalizeAccessCode('ABCDE-FGHJO')).toBeNull());
  it('an access code is shown 5-5', () => expect(formatAccessCode('ABCDEFGHJK')).toBe('ABCDE-FGHJK'));
});

describe('the tip form', () => {
  const schema = tipFormSchema({ today: () => '2026-11-29' });
  const base = { submissionToken: 'abcdefghijklmnop1234', subjectName: '老李米粉坊', category: 'hygiene', description: '作坊地面有积水，工人未戴口罩。', reporterMode: 'anonymous' };
  const fieldsOf = (input: Record<string, string>) => {
    const r = schema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => String(i.path[0]));
  };
  it('an anonymous tip needs no name or mobile', () => expect(fieldsOf(base)).toEqual([]));
  it('a missing or malformed form token gets one plain Chinese message', () => {
    for (const submissionToken of [null, '', 'short', '<script>abcdefghijklmnop</script>']) {
      const r = schema.safeParse({ ...base, submissionToken });
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => [i.path[0], i.message])).toEqual([['submissionToken', '表单已失效，请刷新页面后重新填写']]);
    }
  });
  it('a real-name tip needs a name and a valid mobile', () => {
    expect(fieldsOf({ ...base, reporterMode: 'realName', reporterName: '', mobile: '123' })).toEqual(['reporterName', 'mobile']);
  });
  it('a name with the middle dot and a rare character is accepted, counted in characters', () => {
    expect(fieldsOf({ ...base, reporterMode: 'realName', reporterName: '阿依古丽·𠮷', mobile: '13800138000' })).toEqual([]);
    expect(charLength('阿依古丽·𠮷')).toBe(6);
  });
  it('the description counts characters, not UTF-16 units', () => {
    expect(fieldsOf({ ...base, description: '𠮷'.repeat(2000) })).toEqual([]);
    expect(fieldsOf({ ...base, description: '𠮷'.repeat(2001) })).toEqual(['description']);
  });
  it('a future date is refused', () => expect(fieldsOf({ ...base, occurredOn: '2026-11-30' })).toEqual(['occurredOn']));
  it('a day that does not exist is refused', () => expect(fieldsOf({ ...base, occurredOn: '2026-02-30' })).toEqual(['occurredOn']));
  it('exactly ten years ago is accepted, the day before is not', () => {
    expect(fieldsOf({ ...base, occurredOn: '2016-11-29' })).toEqual([]);
    expect(fieldsOf({ ...base, occurredOn: '2016-11-28' })).toEqual(['occurredOn']);
  });
  it('a city or the province is not a county', () => {
    expect(fieldsOf({ ...base, countyCode: '360100' })).toEqual(['countyCode']);
    expect(fieldsOf({ ...base, countyCode: '360000' })).toEqual(['countyCode']);
  });
  it('a county unknown to the lookup is refused', () => {
    const strict = tipFormSchema({ today: () => '2026-11-29', isCounty: (c) => c === '360102' });
    expect(strict.safeParse({ ...base, countyCode: '369999' }).success).toBe(false);
    expect(strict.safeParse({ ...base, countyCode: '360102' }).success).toBe(true);
  });
  it('a workshop id that is not a plain number, or unknown, is refused', () => {
    const strict = tipFormSchema({ today: () => '2026-11-29', partyExists: (id) => id === 7 });
    expect(strict.safeParse({ ...base, workshopId: '1e2' }).success).toBe(false);
    expect(strict.safeParse({ ...base, workshopId: '8' }).success).toBe(false);
    expect(strict.safeParse({ ...base, workshopId: '7' }).success).toBe(true);
  });
  it('zero-width characters do not count as text', () => expect(fieldsOf({ ...base, subjectName: '\u200b\u200b\u200b' })).toEqual(['subjectName']));
  it('claiming a reward needs real name and a valid ID number', () => {
    const real = { ...base, reporterMode: 'realName', reporterName: '测试用户', mobile: '13800138000', claimReward: 'on' };
    expect(fieldsOf(real)).toEqual(['idNumber']);
    expect(fieldsOf({ ...real, idNumber: '110105194912310021' })).toEqual(['idNumber']);
    expect(fieldsOf({ ...real, idNumber: '11010519491231002x' })).toEqual([]);
    expect(fieldsOf({ ...base, claimReward: 'on', idNumber: '11010519491231002X' })).toEqual(['claimReward']);
  });
  it("a name with an apostrophe is accepted", () => expect(fieldsOf({ ...base, reporterMode: 'realName', reporterName: "O'Brien", mobile: '13800138000' })).toEqual([]));
  it('an unknown category is refused', () => expect(fieldsOf({ ...base, category: 'x' })).toEqual(['category']));
  it('a county outside Jiangxi is refused', () => expect(fieldsOf({ ...base, countyCode: '110101' })).toEqual(['countyCode']));
  it('markup is kept as text, never stripped or interpreted', () => {
    const r = schema.parse({ ...base, description: '<b>加了硼砂</b>，很多人买' });
    expect(r.description).toBe('<b>加了硼砂</b>，很多人买');
  });
  it('errors are in Chinese', () => {
    const r = schema.safeParse({ ...base, subjectName: 'x' });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.message).toMatch(/[\u4e00-\u9fff]/u);
  });
});

describe('operators are shown masked', () => {
  it.each([
    ['two characters', '张三', '张*'],
    ['three characters', '张小明', '张*明'],
    ['four characters', '欧阳小明', '欧**明'],
  ])('%s', (_rule, name, masked) => expect(maskPersonName(name)).toBe(masked));
});
