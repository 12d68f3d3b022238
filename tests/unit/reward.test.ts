import { describe, expect, it } from 'vitest';
import {
  computeReward,
  REWARD_CAP_YUAN,
  rewardEligibility,
  rewardIneligibilityReasons,
  rewardLevelRule,
  rewardLevels,
} from '../../src/features/tips/reward.ts';
import type { RewardEligibilityInput, RewardIneligibilityReason, RewardLevel } from '../../src/features/tips/reward.ts';

/** A reward of `base` yuan of fines (no confiscation) at `level`. */
function reward(level: RewardLevel, base: number) {
  return computeReward({ level, fineYuan: base, confiscationYuan: 0 });
}

describe('rewardLevels (《市场监管领域重大违法行为举报奖励暂行办法》第十二条)', () => {
  it('has levels 1/2/3 at 5 %/3 %/1 % with floors of 5,000/3,000/1,000 yuan, and a cap of 1,000,000 yuan', () => {
    expect(rewardLevels.map((r) => [r.level, r.ratePercent, r.floorYuan])).toEqual([
      [1, 5, 5_000],
      [2, 3, 3_000],
      [3, 1, 1_000],
    ]);
    expect(REWARD_CAP_YUAN).toBe(1_000_000);
    for (const r of rewardLevels) expect(r.source).toContain('第十二条');
  });
});

describe('computeReward', () => {
  it.each<[string, RewardLevel, number, number]>([
    ['level 1 pays 5 % of the fines and confiscations', 1, 0.05, 10_000],
    ['level 2 pays 3 % of the fines and confiscations', 2, 0.03, 6_000],
    ['level 3 pays 1 % of the fines and confiscations', 3, 0.01, 2_000],
  ])('%s', (_rule, level, rate, amountYuan) => {
    expect(reward(level, 200_000)).toEqual({ amountYuan, base: 200_000, rate, floorApplied: false, capApplied: false });
  });

  it('fines and confiscations both count towards the base', () => {
    expect(computeReward({ level: 2, fineYuan: 150_000, confiscationYuan: 50_000 })).toMatchObject({ base: 200_000, amountYuan: 6_000 });
  });

  // base × rate equals the floor at 100,000 yuan for every level
  it.each<[string, RewardLevel, number, number, boolean]>([
    ['level 1: one fen below 100,000 yuan, 5 % is under 5,000 yuan, so the floor is paid', 1, 99_999.99, 5_000, true],
    ['level 1: at 100,000 yuan, 5 % is exactly the 5,000 yuan floor', 1, 100_000, 5_000, false],
    ['level 1: one fen above 100,000 yuan, 5 % (5,000.0005) rounds to 5,000 yuan', 1, 100_000.01, 5_000, false],
    ['level 1: from 100,000.10 yuan, 5 % rounds to one fen over the floor', 1, 100_000.1, 5_000.01, false],
    ['level 2: one fen below 100,000 yuan, 3 % is under 3,000 yuan, so the floor is paid', 2, 99_999.99, 3_000, true],
    ['level 2: at 100,000 yuan, 3 % is exactly the 3,000 yuan floor', 2, 100_000, 3_000, false],
    ['level 2: one fen above 100,000 yuan, 3 % (3,000.0003) rounds to 3,000 yuan', 2, 100_000.01, 3_000, false],
    ['level 2: at 100,000.16 yuan, 3 % (3,000.0048) still rounds to the floor', 2, 100_000.16, 3_000, false],
    ['level 2: from 100,000.17 yuan, 3 % (3,000.0051) rounds to one fen over the floor', 2, 100_000.17, 3_000.01, false],
    ['level 3: one fen below 100,000 yuan, 1 % is under 1,000 yuan, so the floor is paid', 3, 99_999.99, 1_000, true],
    ['level 3: at 100,000 yuan, 1 % is exactly the 1,000 yuan floor', 3, 100_000, 1_000, false],
    ['level 3: one fen above 100,000 yuan, 1 % (1,000.0001) rounds to 1,000 yuan', 3, 100_000.01, 1_000, false],
    ['level 3: from 100,000.50 yuan, 1 % (1,000.005) rounds half up to one fen over the floor', 3, 100_000.5, 1_000.01, false],
  ])('floor — %s', (_rule, level, base, amountYuan, floorApplied) => {
    expect(reward(level, base)).toMatchObject({ base, amountYuan, floorApplied, capApplied: false });
  });

  it.each<[string, RewardLevel, number]>([
    ['level 1 pays its 5,000 yuan floor for a case without fines or confiscations', 1, 5_000],
    ['level 2 pays its 3,000 yuan floor for a case without fines or confiscations', 2, 3_000],
    ['level 3 pays its 1,000 yuan floor for a case without fines or confiscations', 3, 1_000],
  ])('floor — %s', (_rule, level, amountYuan) => {
    expect(reward(level, 0)).toEqual({ amountYuan, base: 0, rate: rewardLevelRule(level).ratePercent / 100, floorApplied: true, capApplied: false });
  });

  it.each<[string, RewardLevel, number, number, boolean]>([
    ['level 1: one fen below 20,000,000 yuan, 5 % (999,999.9995) rounds up to the cap, not over it', 1, 19_999_999.99, 1_000_000, false],
    ['level 1: at 20,000,000 yuan, 5 % is exactly the 1,000,000 yuan cap', 1, 20_000_000, 1_000_000, false],
    ['level 1: one fen above 20,000,000 yuan, 5 % is over the cap, so the cap is paid', 1, 20_000_000.01, 1_000_000, true],
    ['level 1: a huge base pays the cap', 1, 1_000_000_000_000, 1_000_000, true],
    ['level 2: at 33,333,333.33 yuan, 3 % (999,999.9999) rounds to the cap', 2, 33_333_333.33, 1_000_000, false],
    ['level 2: one fen more, 3 % is over the cap, so the cap is paid', 2, 33_333_333.34, 1_000_000, true],
    ['level 3: at 100,000,000 yuan, 1 % is exactly the cap', 3, 100_000_000, 1_000_000, false],
    ['level 3: one fen above 100,000,000 yuan, 1 % is over the cap, so the cap is paid', 3, 100_000_000.01, 1_000_000, true],
    ['level 3: below the cap the rate applies (99,999,900 yuan → 999,999 yuan)', 3, 99_999_900, 999_999, false],
  ])('cap — %s', (_rule, level, base, amountYuan, capApplied) => {
    expect(reward(level, base)).toMatchObject({ amountYuan, capApplied, floorApplied: false });
  });

  it.each<[string, RewardLevel, number, number, number]>([
    ['3 % of 123,456.78 yuan is 3,703.7034, paid as 3,703.70', 2, 123_456.78, 0, 3_703.7],
    ['1 % of 234,567.89 yuan is 2,345.6789, paid as 2,345.68', 3, 234_567.89, 0, 2_345.68],
    ['5 % of 200,000.30 yuan is 10,000.015, half up to 10,000.02', 1, 150_000.1, 50_000.2, 10_000.02],
    ['5 % of 200,000.29 yuan is 10,000.0145, down to 10,000.01', 1, 200_000.29, 0, 10_000.01],
    ['1 % of 100,000.50 yuan is exactly 1,000.005, half up to 1,000.01 (a float product would give 1,000.00)', 3, 100_000.5, 0, 1_000.01],
    ['a base of 0.1 + 0.2 yuan of float noise is 0.30 yuan, whose 1 % is under the floor', 3, 0.1, 0.2, 1_000],
  ])('fen rounding — %s', (_rule, level, fineYuan, confiscationYuan, amountYuan) => {
    expect(computeReward({ level, fineYuan, confiscationYuan }).amountYuan).toBe(amountYuan);
  });

  it('reports the base exactly to the fen', () => {
    expect(computeReward({ level: 1, fineYuan: 0.1, confiscationYuan: 0.2 }).base).toBe(0.3);
    expect(computeReward({ level: 1, fineYuan: 150_000.1, confiscationYuan: 50_000.2 }).base).toBe(200_000.3);
  });

  it.each<[string, unknown, unknown, unknown]>([
    ['a negative fine', 1, -0.01, 0],
    ['a negative confiscation', 1, 0, -100],
    ['a fine that is not a number (NaN)', 1, Number.NaN, 0],
    ['an infinite fine', 1, Number.POSITIVE_INFINITY, 0],
    ['a negative infinite confiscation', 1, 0, Number.NEGATIVE_INFINITY],
    ['a fine given as text', 1, '1000', 0],
    ['a missing confiscation', 1, 1000, undefined],
    ['a fine finer than a fen', 1, 1000.005, 0],
    ['a fine beyond 2^53 fen', 1, 1e14, 0],
    ['fine + confiscation beyond 2^53 fen', 1, 5e13, 5e13],
    ['level 0', 0, 1000, 0],
    ['level 4', 4, 1000, 0],
    ['a fractional level', 1.5, 1000, 0],
    ['a level given as text', '1', 1000, 0],
  ])('invalid input — %s is a RangeError', (_rule, level, fineYuan, confiscationYuan) => {
    expect(() => computeReward({ level, fineYuan, confiscationYuan } as unknown as Parameters<typeof computeReward>[0])).toThrow(RangeError);
  });
});

describe('rewardEligibility (《办法》第二条 and its exclusions)', () => {
  const eligible: RewardEligibilityInput = { isNaturalPerson: true, isStaff: false, hasDutyToReport: false, isOffender: false, isRealName: true };

  it('a real-name natural person with no exclusion can be rewarded', () => {
    expect(rewardEligibility(eligible)).toEqual({ eligible: true, reasons: [] });
  });

  it.each<[string, Partial<RewardEligibilityInput>, RewardIneligibilityReason]>([
    ['an organisation is not a natural person', { isNaturalPerson: false }, 'notNaturalPerson'],
    ['market-regulation staff are excluded', { isStaff: true }, 'staff'],
    ['someone with a statutory duty to report is excluded', { hasDutyToReport: true }, 'dutyToReport'],
    ['the offender is excluded', { isOffender: true }, 'offender'],
    ['an anonymous reporter cannot be paid until they identify themselves', { isRealName: false }, 'anonymous'],
  ])('%s', (_rule, overrides, reason) => {
    expect(rewardEligibility({ ...eligible, ...overrides })).toEqual({ eligible: false, reasons: [reason] });
  });

  it('lists every reason that applies, in a fixed order', () => {
    expect(
      rewardEligibility({ isNaturalPerson: false, isStaff: true, hasDutyToReport: true, isOffender: true, isRealName: false }),
    ).toEqual({ eligible: false, reasons: [...rewardIneligibilityReasons] });
    expect(rewardEligibility({ ...eligible, isOffender: true, isRealName: false }).reasons).toEqual(['offender', 'anonymous']);
  });
});
