/**
 * Staff accounts, sessions and the audit log on a real SQLite database with the committed
 * migrations and the real divisions (issue #5 points 1, 2 and 7). The clock is passed in, so
 * lockouts and session lifetimes are tested without waiting. Names here are fictitious.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { auditLog, sessions, staffUsers } from '../../src/db/schema.ts';
import { importDivisions } from '../../src/features/imports/import.server.ts';
import { loadKek } from '../../src/features/tips/envelope.server.ts';
import {
  beginTotp,
  changePassword,
  confirmTotp,
  createFirstAdmin,
  createUser,
  disableTotp,
  listUsers,
  pendingTotp,
  setUserDisabled,
  signIn,
  StaffError,
} from '../../src/features/staff/accounts.server.ts';
import { appendAudit, queryAudit } from '../../src/features/staff/audit.server.ts';
import { actorOf, hashToken, resolveSession, signOut, signOutEverywhere, type StaffContext } from '../../src/features/staff/sessions.server.ts';
import { resealTotpSecrets } from '../../src/features/staff/totp.server.ts';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS, type CreateUserForm } from '../../src/features/staff/staff.ts';
import { freshDb, SEEDS_DIR } from './helpers.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'fangxin-it-staff-'));
const kek = loadKek(undefined, path.join(tmp, 'a'));
const newKek = loadKek(undefined, path.join(tmp, 'b'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const T0 = new Date('2026-11-29T01:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;

const ADMIN_PW = 'provincial admin passphrase';
const PW = 'a county officer passphrase';

let db: Db;

beforeEach(() => {
  db = freshDb();
  importDivisions(db, readFileSync(path.join(SEEDS_DIR, 'divisions.csv'), 'utf8'));
});

async function firstAdmin() {
  const user = await createFirstAdmin(db, { username: 'jx-admin', displayName: '省局管理员', password: ADMIN_PW }, T0);
  return actorOf(db, user);
}

function userForm(overrides: Partial<CreateUserForm>): CreateUserForm {
  return { username: 'nc-super', displayName: '南昌主管', role: 'citySupervisor', divisionCode: '360100', password: PW, confirmPassword: PW, ...overrides };
}

async function created(result: Awaited<ReturnType<typeof createUser>>) {
  if (!result.ok) throw new Error(`not created: ${JSON.stringify(result.fields)}`);
  return result.user;
}

async function signedIn(username: string, password: string, now: Date, code = ''): Promise<{ token: string; staff: StaffContext }> {
  const r = await signIn(db, kek, { username, password, code }, now);
  if (r.kind !== 'ok') throw new Error(`sign-in failed: ${r.kind}`);
  const staff = resolveSession(db, r.token, now);
  if (!staff) throw new Error('no session');
  return { token: r.token, staff };
}

function audit(action?: string) {
  return queryAudit(db, action ? { action, limit: 1000 } : { limit: 1000 });
}

describe('the first provincial administrator', () => {
  it('is created once, bound to the province, and logged', async () => {
    const actor = await firstAdmin();
    expect(actor).toMatchObject({ role: 'provincialAdmin', divisionCode: '360000' });
    expect(actor.jurisdiction.size).toBe(112);
    await expect(createFirstAdmin(db, { username: 'second', displayName: '另一个', password: ADMIN_PW }, T0)).rejects.toMatchObject({ code: 'adminExists' });
    expect(db.select().from(staffUsers).all()).toHaveLength(1);
    expect(audit('userCreated')).toMatchObject([{ userId: null, divisionCode: '360000', details: { role: 'provincialAdmin', via: 'cli' } }]);
  });

  it('stores an argon2id hash, never the password', async () => {
    await firstAdmin();
    const row = db.select().from(staffUsers).get();
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/u);
    expect(JSON.stringify(db.select().from(auditLog).all())).not.toContain(ADMIN_PW);
  });
});

describe('sign-in and its throttle', () => {
  it('answers an unknown name exactly like a wrong password, and logs neither the name nor the password', async () => {
    await firstAdmin();
    const unknown = await signIn(db, kek, { username: 'nobody', password: ADMIN_PW, code: '' }, T0);
    const wrong = await signIn(db, kek, { username: 'jx-admin', password: 'not the password at all', code: '' }, T0);
    expect(unknown).toEqual({ kind: 'failed', reason: 'credentials' });
    expect(wrong).toEqual(unknown);
    const failures = audit('signInFailed');
    expect(failures.map((f) => f.reason).sort()).toEqual(['unknownUser', 'wrongPassword']);
    const text = JSON.stringify(db.select().from(auditLog).all());
    expect(text).not.toContain('nobody');
    expect(text).not.toContain('not the password');
  });

  it('holds the client back after three failures, even with the right password, and lets it in once the wait is over', async () => {
    await firstAdmin();
    for (let i = 1; i <= 3; i++) expect(await signIn(db, kek, { username: 'jx-admin', password: `wrong password ${i}`, code: '' }, at(i * 1000))).toEqual({ kind: 'failed', reason: 'credentials' });
    expect(await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: '' }, at(3000 + 4999))).toEqual({ kind: 'throttled', retryAfterSec: 1, scope: 'client' });
    expect((await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: '' }, at(3000 + 5000))).kind).toBe('ok');
    // the account itself is never locked (the full rules: tests/integration/staff-throttle.test.ts)
    expect(db.select({ n: staffUsers.failedAttempts, until: staffUsers.lockedUntil }).from(staffUsers).get()).toEqual({ n: 0, until: null });
    expect(audit('lockedOut')).toHaveLength(0);
  });

  it('a successful sign-in clears the count: two failures, a success, two failures, and the next try goes ahead', async () => {
    await firstAdmin();
    for (let i = 0; i < 2; i++) await signIn(db, kek, { username: 'jx-admin', password: 'wrong wrong wrong', code: '' }, T0);
    expect((await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: '' }, T0)).kind).toBe('ok');
    for (let i = 0; i < 2; i++) expect((await signIn(db, kek, { username: 'jx-admin', password: 'wrong wrong wrong', code: '' }, T0)).kind).toBe('failed');
    expect((await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: '' }, T0)).kind).toBe('ok');
  });
});

describe('sessions', () => {
  it('keeps only the SHA-256 of the token', async () => {
    await firstAdmin();
    const { token } = await signedIn('jx-admin', ADMIN_PW, T0);
    const rows = db.select().from(sessions).all();
    expect(rows).toEqual([expect.objectContaining({ tokenHash: hashToken(token) })]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('ends after 30 idle minutes and is deleted', async () => {
    await firstAdmin();
    const { token } = await signedIn('jx-admin', ADMIN_PW, T0);
    expect(resolveSession(db, token, at(SESSION_IDLE_MS - MIN))).not.toBeNull();
    // that request counted as activity: another 29 minutes are fine
    expect(resolveSession(db, token, at(2 * SESSION_IDLE_MS - 2 * MIN))).not.toBeNull();
    expect(resolveSession(db, token, at(3 * SESSION_IDLE_MS))).toBeNull();
    expect(db.select().from(sessions).all()).toHaveLength(0);
  });

  it('ends 12 hours after sign-in however active', async () => {
    await firstAdmin();
    const { token } = await signedIn('jx-admin', ADMIN_PW, T0);
    for (let t = 20 * MIN; t < SESSION_LIFETIME_MS; t += 20 * MIN) expect(resolveSession(db, token, at(t))).not.toBeNull();
    expect(resolveSession(db, token, at(SESSION_LIFETIME_MS))).toBeNull();
  });

  it('refuses a malformed or unknown token', async () => {
    await firstAdmin();
    expect(resolveSession(db, 'x', T0)).toBeNull();
    expect(resolveSession(db, 'A'.repeat(43), T0)).toBeNull();
  });

  it('signs out one session, or every session of the user', async () => {
    await firstAdmin();
    const a = await signedIn('jx-admin', ADMIN_PW, T0);
    const b = await signedIn('jx-admin', ADMIN_PW, T0);
    const c = await signedIn('jx-admin', ADMIN_PW, T0);
    signOut(db, a.staff, T0);
    expect(resolveSession(db, a.token, T0)).toBeNull();
    expect(resolveSession(db, b.token, T0)).not.toBeNull();
    expect(signOutEverywhere(db, b.staff, T0)).toBe(2);
    expect(resolveSession(db, b.token, T0)).toBeNull();
    expect(resolveSession(db, c.token, T0)).toBeNull();
    expect(audit().map((e) => e.action)).toEqual(expect.arrayContaining(['signOut', 'signOutEverywhere']));
  });

  it('changing the password ends the other sessions, keeps this one, and checks the current password', async () => {
    await firstAdmin();
    const here = await signedIn('jx-admin', ADMIN_PW, T0);
    const there = await signedIn('jx-admin', ADMIN_PW, T0);
    const wrong = await changePassword(db, here.staff.user.id, here.staff.tokenHash, { currentPassword: 'not it at all', newPassword: 'a brand new passphrase', confirmPassword: 'a brand new passphrase' }, T0);
    expect(wrong).toEqual({ ok: false, fields: { currentPassword: ['当前密码不正确。'] } });
    const ok = await changePassword(db, here.staff.user.id, here.staff.tokenHash, { currentPassword: ADMIN_PW, newPassword: 'a brand new passphrase', confirmPassword: 'a brand new passphrase' }, T0);
    expect(ok).toEqual({ ok: true });
    expect(resolveSession(db, here.token, T0)).not.toBeNull();
    expect(resolveSession(db, there.token, T0)).toBeNull();
    expect((await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: '' }, T0)).kind).toBe('failed');
    expect((await signIn(db, kek, { username: 'jx-admin', password: 'a brand new passphrase', code: '' }, T0)).kind).toBe('ok');
  });
});

describe('users: role × jurisdiction', () => {
  it('the admin creates a city supervisor, who creates a county officer of its city; both must change their password', async () => {
    const admin = await firstAdmin();
    const supervisor = await created(await createUser(db, admin, userForm({}), T0));
    expect(supervisor).toMatchObject({ role: 'citySupervisor', divisionCode: '360100', mustChangePassword: true });
    const supActor = actorOf(db, supervisor);
    const officer = await created(await createUser(db, supActor, userForm({ username: 'donghu-li', displayName: '李明', role: 'countyOfficer', divisionCode: '360102' }), T0));
    expect(officer.mustChangePassword).toBe(true);
    expect(db.select({ createdBy: staffUsers.createdBy }).from(staffUsers).where(eq(staffUsers.id, officer.id)).get()).toEqual({ createdBy: supervisor.id });
    expect(audit('userCreated').map((e) => e.userId).sort()).toEqual([admin.id, supervisor.id, null].sort());
    // the signed-in user must change the password before anything else
    const { staff } = await signedIn('donghu-li', PW, T0);
    expect(staff.user.mustChangePassword).toBe(true);
  });

  it('a county officer cannot create a user', async () => {
    const admin = await firstAdmin();
    const officer = await created(await createUser(db, admin, userForm({ username: 'donghu-li', role: 'countyOfficer', divisionCode: '360102' }), T0));
    const attempt = createUser(db, actorOf(db, officer), userForm({ username: 'donghu-wang', role: 'countyOfficer', divisionCode: '360102' }), T0);
    await expect(attempt).rejects.toBeInstanceOf(StaffError);
    await expect(attempt).rejects.toMatchObject({ code: 'forbidden' });
    expect(db.select().from(staffUsers).all()).toHaveLength(2);
  });

  it('a city supervisor cannot act on another city’s division', async () => {
    const admin = await firstAdmin();
    const nanchang = actorOf(db, await created(await createUser(db, admin, userForm({}), T0)));
    // 昌江区 is a county of 景德镇市
    await expect(createUser(db, nanchang, userForm({ username: 'changjiang-xu', role: 'countyOfficer', divisionCode: '360202' }), T0)).rejects.toMatchObject({ code: 'forbidden' });
    // nor create a peer, nor act on the province
    await expect(createUser(db, nanchang, userForm({ username: 'nc-super-2', role: 'citySupervisor', divisionCode: '360100' }), T0)).rejects.toMatchObject({ code: 'forbidden' });
    const jdzOfficer = await created(await createUser(db, admin, userForm({ username: 'changjiang-xu', role: 'countyOfficer', divisionCode: '360202' }), T0));
    // a user of another city is not even shown to exist
    expect(() => setUserDisabled(db, nanchang, jdzOfficer.id, true, T0)).toThrow(expect.objectContaining({ code: 'notFound' }));
    expect(listUsers(db, nanchang, T0).map((u) => u.username)).toEqual(['nc-super']);
    expect(() => setUserDisabled(db, nanchang, admin.id, true, T0)).toThrow(expect.objectContaining({ code: 'notFound' }));
  });

  it('nobody manages a peer or themselves', async () => {
    const admin = await firstAdmin();
    const sup = await created(await createUser(db, admin, userForm({}), T0));
    expect(() => setUserDisabled(db, actorOf(db, sup), sup.id, true, T0)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => setUserDisabled(db, admin, admin.id, true, T0)).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });

  it('refuses a division of the wrong level and a name already taken, as field errors', async () => {
    const admin = await firstAdmin();
    expect(await createUser(db, admin, userForm({ divisionCode: '360102' }), T0)).toEqual({ ok: false, fields: { divisionCode: ['市级主管须对应一个设区市'] } });
    expect(await createUser(db, admin, userForm({ username: 'jx-admin' }), T0)).toEqual({ ok: false, fields: { username: ['该用户名已被使用'] } });
  });

  it('disabling a user ends their sessions and refuses their sign-in; re-enabling lets them in', async () => {
    const admin = await firstAdmin();
    const sup = await created(await createUser(db, admin, userForm({}), T0));
    const { token } = await signedIn('nc-super', PW, T0);
    setUserDisabled(db, admin, sup.id, true, T0);
    expect(resolveSession(db, token, T0)).toBeNull();
    expect(await signIn(db, kek, { username: 'nc-super', password: PW, code: '' }, T0)).toEqual({ kind: 'disabled' });
    // a wrong password still gets the generic answer: disabled is said only to who knows the password
    expect(await signIn(db, kek, { username: 'nc-super', password: 'wrong wrong wrong', code: '' }, T0)).toEqual({ kind: 'failed', reason: 'credentials' });
    setUserDisabled(db, admin, sup.id, false, T0);
    expect((await signIn(db, kek, { username: 'nc-super', password: PW, code: '' }, T0)).kind).toBe('ok');
    expect(audit().map((e) => e.action)).toEqual(expect.arrayContaining(['userDisabled', 'userEnabled']));
  });
});

describe('TOTP', () => {
  const codeAt = (secret: string, when: Date) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp: when.getTime() });

  async function enrolled(): Promise<{ id: number; secret: string }> {
    const admin = await firstAdmin();
    beginTotp(db, kek, admin.id);
    const pending = pendingTotp(db, kek, admin.id);
    if (!pending) throw new Error('nothing pending');
    expect(pending.uri).toMatch(/^otpauth:\/\/totp\/.*jx-admin\?.*algorithm=SHA1&digits=6&period=30/u);
    expect(confirmTotp(db, kek, admin.id, '000000' === codeAt(pending.secret, T0) ? '111111' : '000000', T0)).toBe('wrongCode');
    expect(confirmTotp(db, kek, admin.id, codeAt(pending.secret, T0), T0)).toBe('ok');
    return { id: admin.id, secret: pending.secret };
  }

  it('keeps the secret sealed at rest', async () => {
    const { secret } = await enrolled();
    const row = db.select().from(staffUsers).get();
    expect(row?.totpSecretSealed).toBeTruthy();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(audit('totpEnabled')).toHaveLength(1);
  });

  it('asks for the code after the right password, refuses a replayed code, accepts the next step', async () => {
    const { secret } = await enrolled();
    expect(await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: '' }, T0)).toEqual({ kind: 'codeRequired' });
    // the code that confirmed the enrolment cannot be used again within its window
    expect(await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: codeAt(secret, T0) }, T0)).toEqual({ kind: 'failed', reason: 'code' });
    const next = at(30_000);
    const ok = await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: codeAt(secret, next) }, next);
    expect(ok.kind).toBe('ok');
    expect(await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: codeAt(secret, next) }, next)).toEqual({ kind: 'failed', reason: 'code' });
  });

  it('counts wrong codes like wrong passwords, and a missing code not at all', async () => {
    const { secret } = await enrolled();
    const wrong = String((Number(codeAt(secret, at(60_000))) + 1) % 1_000_000).padStart(6, '0');
    // the right password without the code, five times: none of them counts
    for (let i = 0; i < 5; i++) expect(await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: '' }, at(60_000))).toEqual({ kind: 'codeRequired' });
    for (let i = 0; i < 3; i++) expect((await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: wrong }, at(60_000))).kind).toBe('failed');
    expect(await signIn(db, kek, { username: 'jx-admin', password: ADMIN_PW, code: codeAt(secret, at(60_000)) }, at(60_000))).toEqual({ kind: 'throttled', retryAfterSec: 5, scope: 'client' });
  });

  it('survives a rotation of the key-encryption key, and is turned off with password and code', async () => {
    const { id, secret } = await enrolled();
    expect(resealTotpSecrets(db, kek, newKek)).toBe(1);
    const later = at(90_000);
    expect((await signIn(db, newKek, { username: 'jx-admin', password: ADMIN_PW, code: codeAt(secret, later) }, later)).kind).toBe('ok');
    const off = at(120_000);
    expect(await disableTotp(db, newKek, id, ADMIN_PW, codeAt(secret, later), off)).toEqual({ ok: false, fields: { code: ['动态验证码不正确或已使用过，请等待验证器显示新的数字后再试。'] } });
    expect(await disableTotp(db, newKek, id, ADMIN_PW, codeAt(secret, off), off)).toEqual({ ok: true });
    expect((await signIn(db, newKek, { username: 'jx-admin', password: ADMIN_PW, code: '' }, off)).kind).toBe('ok');
  });
});

describe('the audit log', () => {
  it('is appended to and refuses UPDATE and DELETE', async () => {
    await firstAdmin();
    await signedIn('jx-admin', ADMIN_PW, T0);
    const before = db.select().from(auditLog).all();
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(() => db.$client.prepare("UPDATE audit_log SET reason = 'edited'").run()).toThrow(/append-only/u);
    expect(() => db.$client.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/u);
    expect(() => db.update(auditLog).set({ action: 'nothing' }).where(eq(auditLog.id, 1)).run()).toThrow(/append-only/u);
    expect(db.select().from(auditLog).all()).toEqual(before);
  });

  it('is filtered by user, action, date and division', async () => {
    const admin = await firstAdmin();
    const sup = await created(await createUser(db, admin, userForm({}), at(MIN)));
    await signedIn('nc-super', PW, at(2 * MIN));
    appendAudit(db, { userId: sup.id, action: 'signOut', divisionCode: '360100', target: `staffUser:${sup.id}` }, at(3 * MIN));
    expect(queryAudit(db, { userId: sup.id }).map((e) => e.action)).toEqual(['signOut', 'signIn']);
    expect(queryAudit(db, { action: 'userCreated' })).toHaveLength(2);
    expect(queryAudit(db, { from: at(MIN).toISOString(), to: at(3 * MIN).toISOString() }).map((e) => e.action)).toEqual(['signIn', 'userCreated']);
    expect(queryAudit(db, { divisionCodes: actorOf(db, sup).jurisdiction }).every((e) => e.divisionCode === '360100')).toBe(true);
  });
});

describe('npm run admin:create', () => {
  const dataDir = path.join(tmp, 'cli');
  const run = (args: string[], input: string) =>
    spawnSync(process.execPath, ['src/cli/admin-create.ts', ...args], { input, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir, DEMO_COUNT: '0' } });

  it('reads the password from standard input, refuses a weak one, then a second administrator', () => {
    const usage = run(['--username', 'jx-admin'], `${ADMIN_PW}\n`);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('用法：npm run admin:create');
    const weak = run(['--username', 'jx-admin', '--name', '省局管理员'], 'too short\n');
    expect(weak.status).toBe(2);
    expect(weak.stderr).toContain('密码至少需要12个字符');
    const ok = run(['--username', 'JX-Admin', '--name', '省局管理员'], `${ADMIN_PW}\nignored second line\n`);
    expect(ok.stderr + ok.stdout).toContain('已创建省级管理员 jx-admin（省局管理员）');
    expect(ok.status).toBe(0);
    const again = run(['--username', 'other-admin', '--name', '另一位'], `${ADMIN_PW}\n`);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('已存在省级管理员');
    // nothing of the password on any output
    for (const r of [usage, weak, ok, again]) expect(r.stdout + r.stderr).not.toContain(ADMIN_PW);

    const cliDb = openDatabase(path.join(dataDir, 'fangxin.db'));
    try {
      expect(cliDb.select({ username: staffUsers.username, role: staffUsers.role, divisionCode: staffUsers.divisionCode }).from(staffUsers).all()).toEqual([
        { username: 'jx-admin', role: 'provincialAdmin', divisionCode: '360000' },
      ]);
    } finally {
      cliDb.$client.close();
    }
  });
});
