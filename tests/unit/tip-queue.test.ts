/**
 * The tip queue's pure rules (src/features/tips/queue.ts): which statutory clock runs in each
 * status and how urgent it is, the order of the queue, and its query string (malformed values
 * ignored, never an error).
 */
import { describe, expect, it } from 'vitest';
import { compareForQueue, dueOf, parseQueueQuery } from '../../src/features/tips/queue.ts';

describe('dueOf: the running clock by status', () => {
  // received Monday 2026-11-02: 15 working days later is Monday 2026-11-23 (no holiday between)
  it.each([
    ['submitted', '2026-11-02', null, '2026-11-09', { clock: 'acceptance', day: '2026-11-23', left: 10, state: 'onTrack' }],
    ['accepted', '2026-11-02', null, '2026-11-18', { clock: 'acceptance', day: '2026-11-23', left: 3, state: 'soon' }],
    ['submitted', '2026-11-02', null, '2026-11-23', { clock: 'acceptance', day: '2026-11-23', left: 0, state: 'soon' }],
    ['submitted', '2026-11-02', null, '2026-11-25', { clock: 'acceptance', day: '2026-11-23', left: -2, state: 'overdue' }],
    // 立案 on 2026-09-01: 90 calendar days later is 2026-11-30
    ['caseOpened', '2026-08-20', '2026-09-01', '2026-11-10', { clock: 'case', day: '2026-11-30', left: 20, state: 'onTrack' }],
    ['caseOpened', '2026-08-20', '2026-09-01', '2026-11-20', { clock: 'case', day: '2026-11-30', left: 10, state: 'soon' }],
    ['caseOpened', '2026-08-20', '2026-09-01', '2026-12-01', { clock: 'case', day: '2026-11-30', left: -1, state: 'overdue' }],
  ] as const)('%s, received %s, 立案 %s, on %s', (status, receivedOn, caseOpenedOn, today, expected) => {
    expect(dueOf(status, receivedOn, caseOpenedOn, today)).toMatchObject(expected);
  });

  it.each(['declined', 'closed', 'rewardDecided', 'rewardPaid'] as const)('no clock runs once %s', (status) => {
    expect(dueOf(status, '2026-01-05', '2026-01-20', '2026-11-29')).toEqual({ clock: null, day: null, left: null, periodDays: null, provisional: false, state: 'none' });
  });

  it('the 立案 clock skips the National Day holiday (working days, chinese-days calendar)', () => {
    // received Monday 2026-09-28: Monday–Friday alone would give 2026-10-19; the days off of
    // 2026-10-01…07 do not count and the 调休 working day 2026-10-10 (a Saturday) does
    expect(dueOf('submitted', '2026-09-28', null, '2026-09-28')).toMatchObject({ day: '2026-10-23', left: 15, provisional: false });
  });
});

describe('compareForQueue', () => {
  const a = { id: 1, submittedAt: '2026-11-01T01:00:00.000Z', due: { day: '2026-11-30' } };
  const b = { id: 2, submittedAt: '2026-11-02T01:00:00.000Z', due: { day: '2026-11-20' } };
  const c = { id: 3, submittedAt: '2026-10-01T01:00:00.000Z', due: { day: null } };
  it('by due day: earliest first, tips without a clock last', () => {
    expect([a, c, b].sort((x, y) => compareForQueue('due', x, y)).map((r) => r.id)).toEqual([2, 1, 3]);
  });
  it('newest and oldest by receipt time', () => {
    expect([a, c, b].sort((x, y) => compareForQueue('newest', x, y)).map((r) => r.id)).toEqual([2, 1, 3]);
    expect([a, c, b].sort((x, y) => compareForQueue('oldest', x, y)).map((r) => r.id)).toEqual([3, 1, 2]);
  });
});

describe('parseQueueQuery', () => {
  it('reads every filter', () => {
    expect(parseQueueQuery(new URLSearchParams('status=accepted&county=360102&category=hygiene&due=overdue&dueBy=2026-12-01&sort=newest&page=3'))).toEqual({
      status: 'accepted',
      county: '360102',
      category: 'hygiene',
      due: 'overdue',
      dueBy: '2026-12-01',
      sort: 'newest',
      page: 3,
    });
  });
  it('ignores malformed values and defaults to due order, page 1', () => {
    expect(parseQueueQuery(new URLSearchParams('status=deleted&county=36&category=x&due=late&dueBy=2026-02-30&sort=random&page=0'))).toEqual({
      status: undefined,
      county: undefined,
      category: undefined,
      due: undefined,
      dueBy: undefined,
      sort: 'due',
      page: 1,
    });
    expect(parseQueueQuery(new URLSearchParams('page=abc')).page).toBe(1);
    expect(parseQueueQuery(new URLSearchParams('page=99999999')).page).toBe(1);
  });
});
