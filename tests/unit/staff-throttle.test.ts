/**
 * The sign-in throttle's pure rules (src/features/staff/throttle.ts): growing waits per client,
 * the buckets per name and per address, known devices, and the address blocks clients count as.
 */
import { describe, expect, it } from 'vitest';
import {
  addressBlock,
  afterBucketFailure,
  bucketWaitMs,
  clientWaitMs,
  SIGN_IN_THROTTLE,
  signInWait,
  stateAfterFailure,
  streakWaitMs,
  type ThrottleState,
} from '../../src/features/staff/throttle.ts';

const S = 1000;
const MIN = 60 * S;
const T0 = Date.parse('2026-11-29T02:00:00.000Z');
const EMPTY: ThrottleState = { client: null, nameEmptyAt: null, addressEmptyAt: null, knownDevice: false };

describe('one client against one name: three failures pass, then a wait from 5 s that doubles, at most 15 min', () => {
  it.each([
    ['no wait after the first failure', 1, 0],
    ['no wait after the second failure', 2, 0],
    ['5 s after the third failure', 3, 5 * S],
    ['10 s after the fourth (doubled)', 4, 10 * S],
    ['20 s after the fifth', 5, 20 * S],
    ['640 s after the tenth', 10, 640 * S],
    ['15 min, the cap, after the eleventh', 11, 15 * MIN],
    ['still 15 min after the fiftieth', 50, 15 * MIN],
    ['still 15 min after a million (no overflow)', 1_000_000, 15 * MIN],
  ])('%s', (_rule, failures, wait) => {
    expect(clientWaitMs(failures)).toBe(wait);
  });

  it.each([
    ['no streak, no wait', null, T0, 0],
    ['the wait counts from the last failure', { failures: 4, lastFailureAt: T0 }, T0 + 3 * S, 7 * S],
    ['the wait is over at its end', { failures: 4, lastFailureAt: T0 }, T0 + 10 * S, 0],
    ['a day after the last failure the streak is forgotten', { failures: 40, lastFailureAt: T0 }, T0 + SIGN_IN_THROTTLE.forgetMs, 0],
  ])('streakWaitMs: %s', (_rule, streak, now, wait) => {
    expect(streakWaitMs(streak, now)).toBe(wait);
  });

  it('a forgotten streak starts again at one failure', () => {
    const state = stateAfterFailure({ ...EMPTY, client: { failures: 12, lastFailureAt: T0 } }, T0 + SIGN_IN_THROTTLE.forgetMs);
    expect(state.client).toEqual({ failures: 1, lastFailureAt: T0 + SIGN_IN_THROTTLE.forgetMs });
  });
});

describe('buckets: `freeFailures` at once, then one per 15 min', () => {
  const rule = { freeFailures: 3, drainMs: 15 * MIN };
  const filled = (n: number, at: number) => Array.from({ length: n }).reduce<number | null>((emptyAt) => afterBucketFailure(rule, emptyAt, at), null);

  it.each([
    ['an empty bucket holds nothing back', 0, T0, 0],
    ['the free failures at once hold nothing back', 2, T0, 0],
    ['one more than the free failures waits one drain', 3, T0, 15 * MIN],
    ['the wait shrinks as the bucket drains', 3, T0 + 5 * MIN, 10 * MIN],
    ['after one drain the next try goes ahead', 3, T0 + 15 * MIN, 0],
  ])('%s', (_rule, failures, now, wait) => {
    expect(bucketWaitMs(rule, filled(failures, T0), now)).toBe(wait);
  });

  it('a drained bucket fills again from empty, not from its past', () => {
    const emptyAt = filled(3, T0);
    expect(afterBucketFailure(rule, emptyAt, T0 + 24 * 60 * MIN)).toBe(T0 + 24 * 60 * MIN + 15 * MIN);
  });
});

describe('signInWait: the longest wait wins, with its rule', () => {
  const fullName = T0 + SIGN_IN_THROTTLE.name.freeFailures * SIGN_IN_THROTTLE.name.drainMs;
  const fullAddress = T0 + SIGN_IN_THROTTLE.address.freeFailures * SIGN_IN_THROTTLE.address.drainMs;

  it.each([
    ['nothing counted: go ahead', EMPTY, { waitMs: 0, scope: 'client' }],
    ['the client’s own streak', { ...EMPTY, client: { failures: 5, lastFailureAt: T0 } }, { waitMs: 20 * S, scope: 'client' }],
    ['a full name bucket holds back a new client', { ...EMPTY, nameEmptyAt: fullName }, { waitMs: 15 * MIN, scope: 'name' }],
    ['a full address bucket holds back every name from that address', { ...EMPTY, addressEmptyAt: fullAddress }, { waitMs: 15 * MIN, scope: 'address' }],
    ['a known device ignores the full name bucket', { ...EMPTY, nameEmptyAt: fullName, knownDevice: true }, { waitMs: 0, scope: 'client' }],
    ['a known device ignores the full address bucket', { ...EMPTY, addressEmptyAt: fullAddress, knownDevice: true }, { waitMs: 0, scope: 'client' }],
    ['a known device is still held by its own streak', { ...EMPTY, client: { failures: 3, lastFailureAt: T0 }, knownDevice: true }, { waitMs: 5 * S, scope: 'client' }],
  ] as const)('%s', (_rule, state, expected) => {
    expect(signInWait(state, T0)).toEqual(expected);
  });

  it('a known device’s failures leave the buckets alone', () => {
    const state = stateAfterFailure({ ...EMPTY, knownDevice: true }, T0);
    expect(state).toMatchObject({ nameEmptyAt: null, addressEmptyAt: null, client: { failures: 1 } });
  });
});

/**
 * Fails from one client at every first moment the throttle lets it, `tries` times. Returns the end,
 * the client's own wait after each failure, and the longest wait another client of the same name
 * (another address) or of the same address (another name) met meanwhile.
 */
function failAsFastAsAllowed(tries: number): { now: number; waits: number[]; othersWaitMs: number } {
  let state = EMPTY;
  let now = T0;
  const waits: number[] = [];
  let othersWaitMs = 0;
  for (let i = 0; i < tries; i++) {
    now += signInWait(state, now).waitMs;
    state = stateAfterFailure(state, now);
    waits.push(signInWait(state, now).waitMs);
    const otherAddress = signInWait({ ...EMPTY, nameEmptyAt: state.nameEmptyAt }, now).waitMs;
    const otherName = signInWait({ ...EMPTY, addressEmptyAt: state.addressEmptyAt }, now).waitMs;
    othersWaitMs = Math.max(othersWaitMs, otherAddress, otherName);
  }
  return { now, waits, othersWaitMs };
}

describe('one client alone cannot hold back anyone else', () => {
  it('failing as fast as allowed for two days, it never fills the name bucket or its address bucket', () => {
    const { now, othersWaitMs } = failAsFastAsAllowed(250);
    expect(now - T0).toBeGreaterThan(2 * 24 * 60 * MIN);
    expect(othersWaitMs).toBe(0);
  });

  it('its own waits grow 0, 0, 5 s, 10 s … up to 15 min', () => {
    const { waits } = failAsFastAsAllowed(13);
    expect(waits.map((w) => w / S)).toEqual([0, 0, 5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900]);
  });
});

describe('many clients against one name are bounded', () => {
  it('new clients (one try each, a new address each time) get 20 at once, then one per 15 min between them all', () => {
    let nameEmptyAt: number | null = null;
    let now = T0;
    let tries = 0;
    // a botnet tries every second for a day
    for (; now < T0 + 24 * 60 * MIN; now += S) {
      const state: ThrottleState = { ...EMPTY, nameEmptyAt };
      if (signInWait(state, now).waitMs > 0) continue;
      nameEmptyAt = stateAfterFailure(state, now).nameEmptyAt;
      tries++;
    }
    expect(tries).toBe(SIGN_IN_THROTTLE.name.freeFailures + 24 * 4 - 1);
  });
});

describe('addressBlock: the block a client address counts as', () => {
  it.each([
    ['an IPv4 address is itself', '203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address is its IPv4 address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['an IPv6 address counts by its /64', '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['two addresses of one /64 are one block', '2001:db8:1:2:ffff::9', '2001:db8:1:2::/64'],
    ['compressed and leading-zero forms are read in full', '2001:0db8::1', '2001:db8:0:0::/64'],
    ['a zone index is dropped', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['upper case is the same block', '2001:DB8:1:2::1', '2001:db8:1:2::/64'],
    ['the IPv6 loopback', '::1', '0:0:0:0::/64'],
    ['anything else is kept as it is', 'unknown', 'unknown'],
  ])('%s', (_rule, address, block) => {
    expect(addressBlock(address)).toBe(block);
  });
});
