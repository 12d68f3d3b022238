/**
 * The sign-in throttle (src/features/staff/throttle.ts, issue #9 point 10) through the real
 * `signIn`, on a real SQLite database with the committed migrations: an attacker's failures slow
 * the attacker, not the account's owner. The clock is passed in, so waits are tested without
 * waiting. Addresses are from the documentation ranges (RFC 5737); names are fictitious.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { auditLog, rateLimits } from '../../src/db/schema.ts';
import { importDivisions } from '../../src/features/imports/import.server.ts';
import { createFirstAdmin, createUser, signIn, type SignInClient, type SignInResult } from '../../src/features/staff/accounts.server.ts';
import { queryAudit } from '../../src/features/staff/audit.server.ts';
import type { Actor } from '../../src/features/staff/authz.ts';
import { actorOf } from '../../src/features/staff/sessions.server.ts';
import { knownDevice, newDeviceToken } from '../../src/features/staff/throttle.server.ts';
import { SIGN_IN_THROTTLE } from '../../src/features/staff/throttle.ts';
import { loadKek } from '../../src/features/tips/envelope.server.ts';
import { clientKey, takeRateLimit } from '../../src/features/tips/abuse.server.ts';
import { freshDb, SEEDS_DIR } from './helpers.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'fangxin-it-throttle-'));
const kek = loadKek(undefined, path.join(tmp, 'a'));
const otherKek = loadKek(undefined, path.join(tmp, 'b'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const T0 = new Date('2026-11-29T01:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const SEC = 1000;
const MIN = 60 * SEC;

const OWNER_PW = 'provincial admin passphrase';
const PW = 'a city supervisor passphrase';

let db: Db;
let admin: Actor;

beforeEach(async () => {
  db = freshDb();
  importDivisions(db, readFileSync(path.join(SEEDS_DIR, 'divisions.csv'), 'utf8'));
  admin = actorOf(db, await createFirstAdmin(db, { username: 'jx-admin', displayName: '省局管理员', password: OWNER_PW }, T0));
});

/** A browser at `address`; it keeps the known-device tokens its sign-ins give it, like the cookie. */
function browserAt(address: string): SignInClient & { remember: (r: SignInResult, userId?: number) => void } {
  const tokens = new Map<number, string>();
  return {
    address,
    deviceToken: (userId) => tokens.get(userId),
    remember: (r) => {
      if (r.kind === 'ok') tokens.set(r.user.id, r.deviceToken);
    },
  };
}

const tryAs = (username: string, password: string, when: Date, client: SignInClient) => signIn(db, kek, { username, password, code: '' }, when, client);

/** Fails `count` times from `client` at the first moments the throttle lets it, from `start` (ms); returns the instant of the last failure. */
async function failAsFastAsAllowed(username: string, client: SignInClient, count: number, start = T0.getTime()): Promise<number> {
  let now = start;
  for (let failed = 0; failed < count; ) {
    const r = await tryAs(username, `wrong guess number ${failed}`, new Date(now), client);
    if (r.kind === 'throttled') now += r.retryAfterSec * SEC;
    else if (r.kind === 'failed') failed++;
    else throw new Error(`unexpected ${r.kind}`);
  }
  return now;
}

function audit(action: string) {
  return queryAudit(db, { action, limit: 1000 });
}

describe('an attacker at one address cannot lock a colleague out', () => {
  it('50 failures from address A: A meets waits that grow from 5 s to 15 min; the owner at address B signs in at once', async () => {
    const attacker = browserAt('203.0.113.7');
    let now = T0.getTime();
    let lastFailure = now;
    const waits: number[] = [];
    for (let i = 1; i <= 50; i++) {
      expect(await tryAs('jx-admin', `wrong guess number ${i}`, new Date(now), attacker)).toEqual({ kind: 'failed', reason: 'credentials' });
      lastFailure = now;
      // the first two failures cost nothing; from the third, A's next try is held back, even with
      // the right password (tried here only then: it would sign in and clear A's count)
      if (i < 3) continue;
      const next = await tryAs('jx-admin', OWNER_PW, new Date(now), attacker);
      if (next.kind !== 'throttled') throw new Error(`failure ${i}: not held back but ${next.kind}`);
      expect(next.scope).toBe('client');
      waits.push(next.retryAfterSec);
      now += next.retryAfterSec * SEC;
    }
    expect(waits.slice(0, 9)).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 900]);
    expect(new Set(waits.slice(8))).toEqual(new Set([900]));

    // right after the fiftieth failure
    const owner = browserAt('198.51.100.20');
    expect((await tryAs('jx-admin', OWNER_PW, new Date(lastFailure), owner)).kind).toBe('ok');
    // and A is still held back afterwards
    expect((await tryAs('jx-admin', OWNER_PW, new Date(lastFailure + SEC), attacker)).kind).toBe('throttled');
  });

  it('50 failures of an attacker are answered, in every step, exactly as for a name that is no account', async () => {
    const run = async (username: string, address: string) => {
      const client = browserAt(address);
      const results: SignInResult[] = [];
      let now = T0.getTime();
      for (let i = 0; i < 50; i++) {
        const r = await tryAs(username, `wrong guess number ${i}`, new Date(now), client);
        results.push(r);
        if (r.kind === 'throttled') now += r.retryAfterSec * SEC;
      }
      return results;
    };
    const account = await run('jx-admin', '203.0.113.7');
    const nobody = await run('no-such-user', '203.0.113.8');
    expect(nobody).toEqual(account);
    expect(account.filter((r) => r.kind === 'failed').length).toBeGreaterThan(3);
    expect(account.filter((r) => r.kind === 'throttled').length).toBeGreaterThan(3);
  });

  it('tries sent at once meet the wait: of ten, three check a password', async () => {
    const attacker = browserAt('203.0.113.7');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => tryAs('jx-admin', `parallel guess ${i}`, T0, attacker)));
    expect(results.filter((r) => r.kind === 'failed')).toHaveLength(3);
    expect(results.filter((r) => r.kind === 'throttled')).toHaveLength(7);
    expect(audit('signInFailed')).toHaveLength(3);
  });

  it('the owner’s browser that signed in before is not held back, even behind the attacker’s address', async () => {
    const office = '203.0.113.50';
    const owner = browserAt(office);
    const first = await tryAs('jx-admin', OWNER_PW, T0, owner);
    owner.remember(first);
    const attacker = browserAt(office);
    const last = new Date(await failAsFastAsAllowed('jx-admin', attacker, 10, T0.getTime() + MIN));
    expect(await tryAs('jx-admin', OWNER_PW, last, attacker)).toEqual({ kind: 'throttled', retryAfterSec: 640, scope: 'client' });
    expect((await tryAs('jx-admin', OWNER_PW, last, owner)).kind).toBe('ok');
    expect(audit('signIn').map((e) => e.details)).toEqual([
      { totp: false, knownDevice: true },
      { totp: false, knownDevice: false },
    ]);
  });
});

describe('a spray from one address across many names', () => {
  it('is slowed after 15 failures, for names of accounts and names of nobody alike; another address is not', async () => {
    const created = await createUser(db, admin, { username: 'nc-super', displayName: '南昌主管', role: 'citySupervisor', divisionCode: '360100', password: PW, confirmPassword: PW }, T0);
    expect(created.ok).toBe(true);
    const names = Array.from({ length: 20 }, (_, i) => (i === 3 ? 'jx-admin' : i === 17 ? 'nc-super' : `guessed-name-${i}`));
    const sprayer = browserAt('203.0.113.9');
    const results: SignInResult[] = [];
    for (const name of names) results.push(await tryAs(name, 'Summer2026!passw0rd', T0, sprayer));
    expect(results.slice(0, 15)).toEqual(Array.from({ length: 15 }, () => ({ kind: 'failed', reason: 'credentials' })));
    // the sixteenth to twentieth are held back, the account nc-super among them, with the same answer
    for (const r of results.slice(15)) expect(r).toMatchObject({ kind: 'throttled', scope: 'address' });
    expect(results[17]).toEqual(results[16]);
    // from elsewhere, the same names are tried (and their owners sign in) as usual
    const colleague = browserAt('198.51.100.30');
    expect((await tryAs('nc-super', PW, T0, colleague)).kind).toBe('ok');
    expect(await tryAs('guessed-name-19', 'Summer2026!passw0rd', T0, colleague)).toEqual({ kind: 'failed', reason: 'credentials' });
    // the sprayer gets one more try per 15 minutes
    expect(results[19]).toEqual({ kind: 'throttled', retryAfterSec: 900, scope: 'address' });
    expect((await tryAs('guessed-name-16', 'Summer2026!passw0rd', at(15 * MIN), sprayer)).kind).toBe('failed');
    expect((await tryAs('guessed-name-18', 'Summer2026!passw0rd', at(15 * MIN), sprayer)).kind).toBe('throttled');
  });
});

describe('many addresses against one account are bounded', () => {
  it('new clients get 20 failures, then one try per 15 min between them all; the owner’s known browser signs in at once, a new one is asked to wait', async () => {
    const home = browserAt('198.51.100.20');
    home.remember(await tryAs('jx-admin', OWNER_PW, T0, home));
    let failures = 0;
    let held = 0;
    // a botnet: a new address every 10 seconds for two hours, three guesses each
    for (let i = 0; i < 720; i++) {
      const bot = browserAt(`10.${Math.floor(i / 250)}.${i % 250}.1`);
      for (let g = 0; g < 3; g++) {
        const r = await tryAs('jx-admin', `botnet guess ${i}-${g}`, at(i * 10 * SEC), bot);
        if (r.kind === 'failed') failures++;
        else if (r.kind === 'throttled' && r.scope === 'name') held++;
        else throw new Error(`unexpected ${r.kind}`);
      }
    }
    // 20 at once, then one per 15 minutes for two hours (the last one at 1 h 45 min)
    expect(failures).toBe(SIGN_IN_THROTTLE.name.freeFailures + 7);
    expect(held).toBe(720 * 3 - failures);
    // just before the next 15-minute slot opens
    const later = at(720 * 10 * SEC - 5 * SEC);
    expect((await tryAs('jx-admin', OWNER_PW, later, home)).kind).toBe('ok');
    const hotel = await tryAs('jx-admin', OWNER_PW, later, browserAt('192.0.2.44'));
    expect(hotel).toMatchObject({ kind: 'throttled', scope: 'name' });
  });
});

describe('what is stored and logged', () => {
  it('rate_limits holds no address and no name; the audit log records the waits without the address', async () => {
    const attacker = browserAt('203.0.113.77');
    for (let i = 0; i < 5; i++) await tryAs('no-such-person', `wrong guess number ${i}`, at(i * MIN), attacker);
    for (let i = 0; i < 4; i++) await tryAs('jx-admin', `wrong guess number ${i}`, at((10 + i) * MIN), attacker);
    const stored = JSON.stringify(db.select().from(rateLimits).all());
    expect(stored).not.toContain('203.0.113');
    expect(stored).not.toContain('no-such-person');
    expect(stored).not.toContain('jx-admin');
    const throttled = audit('signInThrottled');
    expect(throttled.map((e) => [e.reason, e.details.waitSec, e.details.failures, e.target])).toEqual([
      ['client', 10, 4, 'staffUser:1'],
      ['client', 5, 3, 'staffUser:1'],
      ['client', 20, 5, null],
      ['client', 10, 4, null],
      ['client', 5, 3, null],
    ]);
    // one source for all of them: a pseudonym, not the address
    expect(new Set(throttled.map((e) => e.details.source)).size).toBe(1);
    expect(throttled[0]?.details.source).toMatch(/^[\w-]{10}$/u);
    expect(JSON.stringify(db.select().from(auditLog).all())).not.toContain('203.0.113');
  });

  it('a day after their last failure, counters are deleted by the next try that checks a password', async () => {
    await tryAs('jx-admin', 'a wrong guess here', T0, browserAt('203.0.113.7'));
    expect(db.select().from(rateLimits).all()).toHaveLength(3);
    // a bucket's window_start is when it is empty again: 15 minutes after that one failure
    const later = at(SIGN_IN_THROTTLE.forgetMs + 15 * MIN + SEC);
    await tryAs('jx-admin', 'a wrong guess here', later, browserAt('198.51.100.7'));
    // the new client's streak and address, and the name's bucket (written again): not the old client's or address's
    expect(db.select().from(rateLimits).all()).toHaveLength(3);
    expect(db.select().from(rateLimits).all().every((r) => Date.parse(r.windowStart) >= later.getTime())).toBe(true);
  });

  it('the tip rate limit prunes only its own counters: a client’s failures stay counted', async () => {
    const attacker = browserAt('203.0.113.7');
    let now = await failAsFastAsAllowed('jx-admin', attacker, 11);
    // two hours later a tip is filed: its limit prunes the tip counters older than its hour
    now += 2 * 60 * MIN;
    takeRateLimit(db, clientKey(kek, 'tip', '198.51.100.1'), 10, 60 * MIN, new Date(now));
    // the eleven failures still count: one more, and the next try waits the full 15 minutes
    expect((await tryAs('jx-admin', 'one more wrong guess', new Date(now), attacker)).kind).toBe('failed');
    expect(await tryAs('jx-admin', OWNER_PW, new Date(now), attacker)).toEqual({ kind: 'throttled', retryAfterSec: 900, scope: 'client' });
  });
});

describe('known-device tokens', () => {
  it('count only for their own account, unaltered, under the KEK that made them, for 30 days', () => {
    const token = newDeviceToken(kek, 1, T0);
    const nonce = knownDevice(kek, 1, token, T0);
    expect(nonce).toMatch(/^[\w-]{22}$/u);
    expect(knownDevice(kek, 1, token, at(SIGN_IN_THROTTLE.knownDeviceMs - 1000))).toBe(nonce);
    expect(knownDevice(kek, 1, token, at(SIGN_IN_THROTTLE.knownDeviceMs))).toBeNull();
    expect(knownDevice(kek, 2, token, T0)).toBeNull();
    expect(knownDevice(otherKek, 1, token, T0)).toBeNull();
    const [issued, n, mac] = token.split('.');
    expect(knownDevice(kek, 1, `${Number(issued) + 86_400}.${n}.${mac}`, T0)).toBeNull();
    expect(knownDevice(kek, 1, `${issued}.${n}.${'A'.repeat(43)}`, T0)).toBeNull();
    expect(knownDevice(kek, 1, 'not a token', T0)).toBeNull();
    expect(knownDevice(kek, 1, undefined, T0)).toBeNull();
  });
});

