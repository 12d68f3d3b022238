import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/lib/dates.ts';
import {
  disclosureOf,
  disclosureRules,
  isPenaltyPublic,
  isSeriousPenalty,
  LOW_FINE_MAX_YUAN,
  NDRC_REGIME_START,
  penaltyClassOf,
  ruleFor,
} from '../../src/features/workshops/disclosure.ts';
import type { DisclosureRuleId, PenaltyClass, PenaltyForDisclosure } from '../../src/features/workshops/disclosure.ts';

/** A general (一般) fine decided 2023-03-10 unless overridden. */
function penalty(overrides: Partial<PenaltyForDisclosure> = {}): PenaltyForDisclosure {
  return {
    penaltyKinds: ['罚款'],
    fineYuan: 50_000,
    confiscationYuan: null,
    decidedOn: '2023-03-10',
    disclosureStart: null,
    publishedDisclosureEnd: null,
    transferredToPolice: false,
    repairedOn: null,
    ...overrides,
  };
}

describe('penaltyClassOf', () => {
  it.each<[string, Partial<PenaltyForDisclosure>, PenaltyClass]>([
    ['警告 only is warning-only', { penaltyKinds: ['警告'], fineYuan: null }, 'warningOnly'],
    ['不予处罚 only is warning-only', { penaltyKinds: ['不予处罚'], fineYuan: null }, 'warningOnly'],
    ['警告 with 不予处罚 is warning-only', { penaltyKinds: ['警告', '不予处罚'], fineYuan: null }, 'warningOnly'],
    ['通报批评 only is minor', { penaltyKinds: ['通报批评'], fineYuan: null }, 'minor'],
    ['警告 with 通报批评 is minor', { penaltyKinds: ['警告', '通报批评'], fineYuan: null }, 'minor'],
    ['a fine at the low-fine maximum is minor', { fineYuan: LOW_FINE_MAX_YUAN }, 'minor'],
    [
      'fine + confiscation at the maximum is minor',
      { penaltyKinds: ['没收违法所得', '罚款'], fineYuan: 9800, confiscationYuan: 200 },
      'minor',
    ],
    [
      'fine + confiscation one yuan over the maximum is general',
      { penaltyKinds: ['没收违法所得', '罚款'], fineYuan: 9801, confiscationYuan: 200 },
      'general',
    ],
    ['a fine of unknown amount is general', { fineYuan: null }, 'general'],
    ['an unknown confiscated amount is general', { penaltyKinds: ['没收违法所得'], fineYuan: null }, 'general'],
    ['a large fine is general', { fineYuan: 50_000 }, 'general'],
    ['no kinds recorded is general', { penaltyKinds: [], fineYuan: null }, 'general'],
    ['transferred to the police is serious', { transferredToPolice: true }, 'serious'],
    ['警告 transferred to the police is serious', { penaltyKinds: ['警告'], transferredToPolice: true }, 'serious'],
    ['移送司法 is serious', { penaltyKinds: ['移送司法'], fineYuan: null }, 'serious'],
    ['吊销登记证 is serious', { penaltyKinds: ['罚款', '吊销登记证'] }, 'serious'],
    ['责令停产停业 is serious', { penaltyKinds: ['责令停产停业'], fineYuan: null }, 'serious'],
  ])('%s', (_rule, overrides, expected) => {
    const p = penalty(overrides);
    expect(penaltyClassOf(p)).toBe(expected);
    expect(isSeriousPenalty(p)).toBe(expected === 'serious');
  });
});

describe('disclosureRules table', () => {
  it('every rule names its source regulation', () => {
    for (const rule of disclosureRules) expect(rule.source).toMatch(/《.+》/);
  });

  it.each<[string, PenaltyClass, string, DisclosureRuleId]>([
    ['warning-only before the switch', 'warningOnly', '2026-03-31', 'warningOnlyNotPublished'],
    ['warning-only after the switch', 'warningOnly', NDRC_REGIME_START, 'warningOnlyNotPublished'],
    ['minor before the switch', 'minor', '2026-03-31', 'samr2021Minor'],
    ['general before the switch', 'general', '2026-03-31', 'samr2021General'],
    ['serious before the switch', 'serious', '2026-03-31', 'samr2021Serious'],
    ['minor from the switch', 'minor', NDRC_REGIME_START, 'ndrc2026Minor'],
    ['general from the switch', 'general', NDRC_REGIME_START, 'ndrc2026General'],
    ['serious from the switch', 'serious', NDRC_REGIME_START, 'ndrc2026Serious'],
  ])('exactly one rule covers %s', (_rule, penaltyClass, decidedOn, expected) => {
    const inRange = (from: string | null, before: string | null): boolean =>
      (from === null || decidedOn >= from) && (before === null || decidedOn < before);
    const matches = disclosureRules.filter(
      (r) => r.penaltyClass === penaltyClass && inRange(r.decidedFrom, r.decidedBefore),
    );
    expect(matches.map((r) => r.id)).toEqual([expected]);
  });
});

describe('disclosure period boundaries: public from the first day to the last day shown, inclusive', () => {
  it.each<[string, Partial<PenaltyForDisclosure>, DisclosureRuleId, string, string]>([
    [
      'SAMR 2021 第十四条: 通报批评 only is shown 3 months',
      { penaltyKinds: ['通报批评'], fineYuan: null },
      'samr2021Minor',
      '2023-03-10',
      '2023-06-09',
    ],
    [
      'SAMR 2021 第十四条: a low fine (fine + confiscation = 10,000 yuan) is shown 3 months',
      { penaltyKinds: ['没收违法所得', '罚款'], fineYuan: 9800, confiscationYuan: 200 },
      'samr2021Minor',
      '2023-03-10',
      '2023-06-09',
    ],
    [
      'SAMR 2021 第十四条: a fine over the low-fine maximum is shown 3 years',
      { penaltyKinds: ['没收违法所得', '罚款'], fineYuan: 9801, confiscationYuan: 200 },
      'samr2021General',
      '2023-03-10',
      '2026-03-09',
    ],
    ['SAMR 2021 第十四条: other penalties are shown 3 years', {}, 'samr2021General', '2023-03-10', '2026-03-09'],
    [
      'SAMR 2021 第十四条: a serious penalty (责令停产停业) is shown 3 years',
      { penaltyKinds: ['责令停产停业'], fineYuan: null, decidedOn: '2025-06-15' },
      'samr2021Serious',
      '2025-06-15',
      '2028-06-14',
    ],
    [
      'switch: a general penalty decided 2026-03-31 keeps the SAMR 3 years',
      { decidedOn: '2026-03-31' },
      'samr2021General',
      '2026-03-31',
      '2029-03-30',
    ],
    [
      'switch: a general penalty decided 2026-04-01 gets the NDRC 1 year',
      { decidedOn: '2026-04-01' },
      'ndrc2026General',
      '2026-04-01',
      '2027-03-31',
    ],
    [
      'NDRC 2026: 通报批评 is shown 3 months',
      { penaltyKinds: ['通报批评'], fineYuan: null, decidedOn: '2026-04-01' },
      'ndrc2026Minor',
      '2026-04-01',
      '2026-06-30',
    ],
    [
      'NDRC 2026: a low fine is shown 3 months',
      { fineYuan: 3000, decidedOn: '2026-05-20' },
      'ndrc2026Minor',
      '2026-05-20',
      '2026-08-19',
    ],
    [
      'NDRC 2026: a case transferred to the police (严重失信) is shown 3 years',
      { transferredToPolice: true, decidedOn: '2026-05-20' },
      'ndrc2026Serious',
      '2026-05-20',
      '2029-05-19',
    ],
    [
      'NDRC 2026: 吊销登记证 (严重失信) is shown 3 years',
      { penaltyKinds: ['吊销登记证'], fineYuan: null, decidedOn: '2026-04-01' },
      'ndrc2026Serious',
      '2026-04-01',
      '2029-03-31',
    ],
    [
      'a YYYY-MM start means its first day (抚广市监稽罚决〔2020〕22号, low fine, start 2020-09)',
      { penaltyKinds: ['没收违法所得', '罚款'], fineYuan: 9800, confiscationYuan: 200, decidedOn: null, disclosureStart: '2020-09' },
      'samr2021Minor',
      '2020-09-01',
      '2020-11-30',
    ],
    [
      'disclosureStart wins over decidedOn as the first day',
      { penaltyKinds: ['通报批评'], fineYuan: null, disclosureStart: '2023-04-01' },
      'samr2021Minor',
      '2023-04-01',
      '2023-06-30',
    ],
    [
      'a published end (公示截止期) earlier than the rule wins',
      { publishedDisclosureEnd: '2024-03-09' },
      'samr2021General',
      '2023-03-10',
      '2024-03-09',
    ],
    [
      'a published end given as a month is read as its first day: never shown after the earliest day it can end (issue 9 point 7)',
      { publishedDisclosureEnd: '2024-02' },
      'samr2021General',
      '2023-03-10',
      '2024-02-01',
    ],
    [
      'a decision known only to the month (2023-05, 原文仅到月) starts on its first day: the period ends as early as it can',
      { penaltyKinds: ['通报批评'], fineYuan: null, decidedOn: '2023-05' },
      'samr2021Minor',
      '2023-05-01',
      '2023-07-31',
    ],
    [
      'a published end later than the rule does not extend it',
      { publishedDisclosureEnd: '2027-01-01' },
      'samr2021General',
      '2023-03-10',
      '2026-03-09',
    ],
    [
      'credit repair (信用修复) ends publicity the day before repair',
      { repairedOn: '2024-01-15' },
      'samr2021General',
      '2023-03-10',
      '2024-01-14',
    ],
    [
      'credit repair after the rule end changes nothing',
      { repairedOn: '2026-12-01' },
      'samr2021General',
      '2023-03-10',
      '2026-03-09',
    ],
  ])('%s', (_rule, overrides, ruleId, first, last) => {
    const p = penalty(overrides);
    expect(ruleFor(p).id).toBe(ruleId);
    expect(disclosureOf(p)).toMatchObject({ published: true, start: first, end: last });
    expect(isPenaltyPublic(p, addDays(first, -1))).toBe(false);
    expect(isPenaltyPublic(p, first)).toBe(true);
    expect(isPenaltyPublic(p, last)).toBe(true);
    expect(isPenaltyPublic(p, addDays(last, 1))).toBe(false);
  });
});

describe('penalties that are never public', () => {
  it.each<[string, Partial<PenaltyForDisclosure>, string[]]>([
    [
      '(兴)市监古当罚〔2025〕72号: 警告 only (当场处罚), start 2026-02, is never published',
      { penaltyKinds: ['警告'], fineYuan: null, decidedOn: null, disclosureStart: '2026-02' },
      ['2026-02-01', '2026-02-28', '2026-03-01', '2026-05-01'],
    ],
    [
      'SAMR 2021 第二条: 警告 only decided before the switch is never published',
      { penaltyKinds: ['警告'], fineYuan: null },
      ['2023-03-10', '2023-06-09', '2024-03-10'],
    ],
    [
      '不予处罚 is never published',
      { penaltyKinds: ['不予处罚'], fineYuan: null, decidedOn: '2026-04-01' },
      ['2026-04-01', '2026-06-30'],
    ],
    ['a penalty with no start date is not public', { decidedOn: null, disclosureStart: null }, ['2023-03-10', '2026-01-01']],
    [
      'credit repair on the first day closes it before it begins',
      { repairedOn: '2023-03-10' },
      ['2023-03-09', '2023-03-10', '2023-03-11'],
    ],
  ])('%s', (_rule, overrides, days) => {
    const p = penalty(overrides);
    for (const day of days) expect(isPenaltyPublic(p, day)).toBe(false);
  });

  it('warning-only: not published, no start or end', () => {
    const d = disclosureOf(penalty({ penaltyKinds: ['警告'], fineYuan: null, disclosureStart: '2026-02' }));
    expect(d).toEqual({ published: false, rule: expect.objectContaining({ id: 'warningOnlyNotPublished' }), start: null, end: null });
  });

  it('抚广市监稽罚决〔2020〕22号 (没收违法所得 200 + 罚款 9800, start 2020-09) is not public on 2026-11-29', () => {
    const p = penalty({
      penaltyKinds: ['没收违法所得', '罚款'],
      fineYuan: 9800,
      confiscationYuan: 200,
      decidedOn: null,
      disclosureStart: '2020-09',
    });
    expect(isPenaltyPublic(p, '2026-11-29')).toBe(false);
  });
});
