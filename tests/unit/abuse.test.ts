import { describe, expect, it } from 'vitest';
import { DUPLICATE_SIMILARITY, textSimilarity, trackPolicy } from '../../src/features/tips/abuse.ts';

describe('wrong access codes are slowed, then locked', () => {
  it.each([
    ['the first wrong code answers at once', 1, 0, false],
    ['the second too', 2, 0, false],
    ['the third waits 2 s', 3, 2000, false],
    ['the fourth waits 4 s', 4, 4000, false],
    ['the fifth locks', 5, 0, true],
    ['later ones stay locked', 9, 0, true],
  ])('%s', (_rule, failures, delayMs, lock) => expect(trackPolicy(failures)).toEqual({ delayMs, lock }));
});

describe('near-duplicate tips', () => {
  it.each([
    ['the same text', '作坊用硫磺熏米粉，气味刺鼻。', '作坊用硫磺熏米粉，气味刺鼻。', true],
    ['the same text with other punctuation and spaces', '作坊用硫磺熏米粉，气味刺鼻。', '作坊用硫磺熏米粉 气味刺鼻!', true],
    ['one word changed in a long text', '东门菜市场旁的作坊每天凌晨用工业明胶做肉皮冻，没有消毒设备。', '东门菜市场旁的作坊每天凌晨用工业明胶做肉皮冻，没有任何消毒设备。', true],
    ['a different report', '作坊用硫磺熏米粉，气味刺鼻。', '腊肉作坊的工人不戴口罩，地面有积水。', false],
  ])('%s', (_rule, a, b, duplicate) => expect(textSimilarity(a, b) >= DUPLICATE_SIMILARITY).toBe(duplicate));
  it('is symmetric and 1 for equal texts', () => {
    expect(textSimilarity('米粉', '米粉')).toBe(1);
    expect(textSimilarity('米粉坊', '腊肉坊')).toBe(textSimilarity('腊肉坊', '米粉坊'));
  });
});
