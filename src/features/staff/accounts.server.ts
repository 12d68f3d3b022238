/**
 * Staff accounts: the first administrator, sign-in (argon2id password, optional TOTP, the
 * throttle of ./throttle.ts), own password and TOTP, and creating / disabling users within one's rights (./authz.ts). Every
 * sign-in, failure, lockout, password or TOTP change and user change is appended to the audit log
 * in the same transaction as the change.
 *
 * Functions take the clock (`now`) so that tests can move it. Errors: `StaffError` for refusals
 * that are not a user's typing mistake (forbidden, not found, an administrator already exists);
 * typing mistakes come back as `{ ok: false, fields }` with Chinese messages per field.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { divisions, staffUsers, type StaffUser } from '../../db/schema.ts';
import { admin as t } from '../../i18n/admin.zh-CN.ts';
import type { Kek } from '../tips/envelope.server.ts';
import { appendAudit, type AuditAction } from './audit.server.ts';
import { can, creatableRoles, type Actor } from './authz.ts';
import { createSession, endSessionsOf, purgeExpiredSessions, viewOf, type StaffUserView } from './sessions.server.ts';
import {
  afterFailure,
  isLocked,
  passwordProblem,
  PROVINCE_CODE,
  ROLE_DIVISION_LEVEL,
  type ChangePasswordForm,
  type CreateUserForm,
  type FirstAdminForm,
  type LoginForm,
} from './staff.ts';
import { knownDevice, newDeviceToken, settleSignInAttempt, takeSignInAttempt } from './throttle.server.ts';
import type { ThrottleScope } from './throttle.ts';
import { checkTotpCode, newTotpSecret, openTotpSecret, sealTotpSecret, totpUri } from './totp.server.ts';

/** argon2id parameters: the same as tips' access codes (src/features/tips/tips.server.ts; OWASP 2023 minimum m=19 MiB, t=2, p=1). */
// algorithm 2 = Argon2id (a const enum in the package's types, which isolated modules cannot read)
const ARGON2: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** A refusal that is not a typing mistake. */
export class StaffError extends Error {
  readonly code: 'forbidden' | 'notFound' | 'adminExists';
  constructor(code: StaffError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** Field-level problems, in Chinese, keyed by form field. */
export type FieldProblems = Record<string, string[]>;

/** The argon2id hash of a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

let dummyHash: Promise<string> | undefined;
/** Verifies against a throw-away hash, so an unknown name costs the same time as a wrong password. */
async function spendVerify(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verify(await dummyHash, password).catch(() => false);
}

async function passwordMatches(row: StaffUser, password: string): Promise<boolean> {
  return verify(row.passwordHash, password).catch(() => false);
}

const target = (id: number) => `staffUser:${id}`;

/**
 * Counts one wrong password or code typed by the signed-in `userId` in their own account settings
 * (a transaction re-reads the counter) and logs `action` with `reason`; at the fifth in a row the
 * account locks (`lockedOut` is logged too) and the caller ends its sessions. Only someone already
 * signed in to the account can cause it. Returns the lock's end, or null.
 */
function recordFailure(db: Db, userId: number, action: AuditAction, reason: string, now: Date): string | null {
  return db.transaction((tx) => {
    const row = tx.select({ failedAttempts: staffUsers.failedAttempts, divisionCode: staffUsers.divisionCode }).from(staffUsers).where(eq(staffUsers.id, userId)).get();
    if (!row) return null;
    const next = afterFailure(row.failedAttempts, now);
    tx.update(staffUsers).set(next).where(eq(staffUsers.id, userId)).run();
    appendAudit(tx, { userId, action, divisionCode: row.divisionCode, target: target(userId), reason }, now);
    if (next.lockedUntil) {
      appendAudit(tx, { userId, action: 'lockedOut', divisionCode: row.divisionCode, target: target(userId), details: { until: next.lockedUntil } }, now);
    }
    return next.lockedUntil;
  });
}

/** What a sign-in attempt gives. `failed` covers unknown name, wrong password and wrong code alike. */
export type SignInResult =
  | { kind: 'ok'; token: string; user: StaffUserView; deviceToken: string }
  | { kind: 'failed'; reason: 'credentials' | 'code' }
  | { kind: 'codeRequired' }
  | { kind: 'throttled'; retryAfterSec: number; scope: ThrottleScope }
  | { kind: 'locked'; until: string }
  | { kind: 'disabled' };

/** The client of a sign-in: its address (Astro's `clientAddress`; null when unknown) and the known-device token the browser holds for an account id, if any. */
export interface SignInClient {
  address: string | null;
  deviceToken: (userId: number) => string | undefined;
}

const UNKNOWN_CLIENT: SignInClient = { address: null, deviceToken: () => undefined };

/**
 * Signs in with a name, password and (for an account with TOTP) a code, from `client`. The
 * throttle (./throttle.ts) is asked first: a try it holds back checks no password and answers
 * `throttled` with the wait, for a name that is no account exactly as for one. An account locked
 * by wrong passwords typed in its own settings (`recordFailure`) is refused before that. A
 * disabled account is told so only after the right password. A missing code after the right
 * password is not counted; a wrong one is. A success returns a new known-device token for the browser.
 */
export async function signIn(db: Db, kek: Kek, form: LoginForm, now: Date = new Date(), client: SignInClient = UNKNOWN_CLIENT): Promise<SignInResult> {
  const row = db.select().from(staffUsers).where(eq(staffUsers.username, form.username)).get();
  if (row?.lockedUntil && isLocked(row.lockedUntil, now)) {
    appendAudit(db, { userId: row.id, action: 'signInFailed', divisionCode: row.divisionCode, target: target(row.id), reason: 'locked' }, now);
    return { kind: 'locked', until: row.lockedUntil };
  }
  const device = row ? knownDevice(kek, row.id, client.deviceToken(row.id), now) : null;
  const take = takeSignInAttempt(db, kek, form.username, { address: client.address, device }, now);
  if (take.kind === 'wait') return { kind: 'throttled', retryAfterSec: Math.ceil(take.waitMs / 1000), scope: take.scope };
  const { attempt } = take;
  const about = row ? { userId: row.id, divisionCode: row.divisionCode, target: target(row.id) } : { userId: null };
  const failed = (reason: 'unknownUser' | 'wrongPassword' | 'wrongCode'): SignInResult => {
    db.transaction((tx) => {
      // the name typed is not kept: it may be a password typed into the wrong field
      appendAudit(tx, { ...about, action: 'signInFailed', reason }, now);
      if (attempt.ifFailed.waitMs > 0) {
        const { scope, waitMs } = attempt.ifFailed;
        appendAudit(tx, { ...about, action: 'signInThrottled', reason: scope, details: { waitSec: Math.ceil(waitMs / 1000), failures: attempt.failures, knownDevice: attempt.knownDevice, source: attempt.source } }, now);
      }
    });
    return { kind: 'failed', reason: reason === 'wrongCode' ? 'code' : 'credentials' };
  };
  if (!row) {
    // an unknown name costs the same time and is counted the same way, so that nothing tells which names exist
    await spendVerify(form.password);
    return failed('unknownUser');
  }
  if (!(await passwordMatches(row, form.password))) return failed('wrongPassword');
  if (row.disabled) {
    settleSignInAttempt(db, attempt, 'notCounted');
    appendAudit(db, { ...about, action: 'signInFailed', reason: 'disabled' }, now);
    return { kind: 'disabled' };
  }
  let step: number | null = null;
  if (row.totpSecretSealed) {
    if (form.code === '') {
      settleSignInAttempt(db, attempt, 'notCounted');
      return { kind: 'codeRequired' };
    }
    step = checkTotpCode(openTotpSecret(kek, row.totpSecretSealed), form.code, now, row.totpLastStep);
    if (step === null) return failed('wrongCode');
  }
  settleSignInAttempt(db, attempt, 'succeeded');
  purgeExpiredSessions(db, now);
  const token = db.transaction((tx) => {
    tx.update(staffUsers)
      .set({ failedAttempts: 0, lockedUntil: null, ...(step === null ? {} : { totpLastStep: step }) })
      .where(eq(staffUsers.id, row.id))
      .run();
    appendAudit(tx, { ...about, action: 'signIn', details: { totp: step !== null, knownDevice: attempt.knownDevice } }, now);
    return createSession(tx, row.id, now);
  });
  return { kind: 'ok', token, user: viewOf({ ...row, failedAttempts: 0, lockedUntil: null }), deviceToken: newDeviceToken(kek, row.id, now) };
}

/**
 * Creates the first provincial administrator (npm run admin:create), bound to the province.
 * Throws StaffError('adminExists') when any provincial administrator exists (checked and inserted
 * under one write lock, so two at once create one).
 */
export async function createFirstAdmin(db: Db, form: FirstAdminForm, now: Date = new Date()): Promise<StaffUserView> {
  const passwordHash = await hashPassword(form.password);
  return db.transaction(
    (tx) => {
      const existing = tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.role, 'provincialAdmin')).get();
      if (existing) throw new StaffError('adminExists', t.cli.exists);
      if (tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.username, form.username)).get()) throw new StaffError('adminExists', t.validation.usernameTaken);
      const row = tx
        .insert(staffUsers)
        .values({ username: form.username, displayName: form.displayName, role: 'provincialAdmin', divisionCode: PROVINCE_CODE, passwordHash, passwordChangedAt: now.toISOString(), createdBy: null, createdAt: now.toISOString() })
        .returning()
        .get();
      appendAudit(tx, { userId: null, action: 'userCreated', divisionCode: PROVINCE_CODE, target: target(row.id), details: { role: 'provincialAdmin', via: 'cli' } }, now);
      return viewOf(row);
    },
    { behavior: 'immediate' },
  );
}

/** A user as the user list shows them. */
export interface StaffUserListItem extends StaffUserView {
  disabled: boolean;
  locked: boolean;
  createdAt: string;
}

/** Users bound to a division inside `actor`'s jurisdiction, by division then name. */
export function listUsers(db: Db, actor: Actor, now: Date = new Date()): StaffUserListItem[] {
  const codes = [...actor.jurisdiction];
  if (codes.length === 0) return [];
  return db
    .select()
    .from(staffUsers)
    .where(inArray(staffUsers.divisionCode, codes))
    .orderBy(asc(staffUsers.divisionCode), asc(staffUsers.username))
    .all()
    .map((row) => ({ ...viewOf(row), disabled: row.disabled, locked: isLocked(row.lockedUntil, now), createdAt: row.createdAt }));
}

/**
 * Creates a user on behalf of `actor`. Throws StaffError('forbidden') when `actor` may not create
 * that role in that division (./authz.ts); returns field problems for a division of the wrong level
 * or a name already taken. The new user must change the password at first sign-in.
 */
export async function createUser(db: Db, actor: Actor, form: CreateUserForm, now: Date = new Date()): Promise<{ ok: true; user: StaffUserView } | { ok: false; fields: FieldProblems }> {
  if (creatableRoles(actor.role).length === 0) throw new StaffError('forbidden', t.errors.forbidden);
  if (!creatableRoles(actor.role).includes(form.role)) throw new StaffError('forbidden', t.validation.roleNotAllowed);
  if (!can(actor, 'manageUsers', { divisionCode: form.divisionCode, role: form.role })) throw new StaffError('forbidden', t.validation.divisionNotAllowed);
  const division = db.select({ level: divisions.level }).from(divisions).where(eq(divisions.code, form.divisionCode)).get();
  if (!division || division.level !== ROLE_DIVISION_LEVEL[form.role]) return { ok: false, fields: { divisionCode: [t.validation.divisionLevel[form.role]] } };
  if (db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.username, form.username)).get()) return { ok: false, fields: { username: [t.validation.usernameTaken] } };
  const passwordHash = await hashPassword(form.password);
  try {
    const user = db.transaction((tx) => {
      const row = tx
        .insert(staffUsers)
        .values({
          username: form.username,
          displayName: form.displayName,
          role: form.role,
          divisionCode: form.divisionCode,
          passwordHash,
          passwordChangedAt: now.toISOString(),
          mustChangePassword: true,
          createdBy: actor.id,
          createdAt: now.toISOString(),
        })
        .returning()
        .get();
      appendAudit(tx, { userId: actor.id, action: 'userCreated', divisionCode: row.divisionCode, target: target(row.id), details: { role: row.role } }, now);
      return viewOf(row);
    });
    return { ok: true, user };
  } catch (e) {
    // the same name created meanwhile (unique index)
    if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return { ok: false, fields: { username: [t.validation.usernameTaken] } };
    throw e;
  }
}

/**
 * Disables (ending every session) or re-enables a user on behalf of `actor`. Throws
 * StaffError('notFound') for a user outside `actor`'s jurisdiction (whose existence is not
 * revealed) and StaffError('forbidden') for one `actor` may not manage (a peer, a higher role, themselves).
 */
export function setUserDisabled(db: Db, actor: Actor, userId: number, disabled: boolean, now: Date = new Date()): StaffUserView {
  const row = db.select().from(staffUsers).where(eq(staffUsers.id, userId)).get();
  if (!row || !actor.jurisdiction.has(row.divisionCode)) throw new StaffError('notFound', t.errors.notFound);
  if (!can(actor, 'manageUsers', { divisionCode: row.divisionCode, role: row.role })) throw new StaffError('forbidden', t.errors.forbidden);
  return db.transaction((tx) => {
    tx.update(staffUsers).set({ disabled }).where(eq(staffUsers.id, userId)).run();
    const ended = disabled ? endSessionsOf(tx, userId) : 0;
    appendAudit(tx, { userId: actor.id, action: disabled ? 'userDisabled' : 'userEnabled', divisionCode: row.divisionCode, target: target(userId), details: disabled ? { sessions: ended } : {} }, now);
    return viewOf({ ...row, disabled });
  });
}

function userRow(db: Db, userId: number): StaffUser {
  const row = db.select().from(staffUsers).where(eq(staffUsers.id, userId)).get();
  if (!row) throw new StaffError('notFound', t.errors.notFound);
  return row;
}

/**
 * Changes one's own password: the current one must be right (a wrong one counts toward the
 * lockout, and a lockout ends every session). Ends the user's other sessions, keeps `keepTokenHash`.
 */
export async function changePassword(db: Db, userId: number, keepTokenHash: string, form: ChangePasswordForm, now: Date = new Date()): Promise<{ ok: true } | { ok: false; fields: FieldProblems }> {
  const row = userRow(db, userId);
  if (!(await passwordMatches(row, form.currentPassword))) {
    if (recordFailure(db, row.id, 'passwordChangeFailed', 'wrongPassword', now)) endSessionsOf(db, row.id);
    return { ok: false, fields: { currentPassword: [t.account.wrongPassword] } };
  }
  const problem = passwordProblem(form.newPassword, row.username);
  if (problem) return { ok: false, fields: { newPassword: [problem] } };
  const passwordHash = await hashPassword(form.newPassword);
  db.transaction((tx) => {
    tx.update(staffUsers).set({ passwordHash, passwordChangedAt: now.toISOString(), mustChangePassword: false, failedAttempts: 0 }).where(eq(staffUsers.id, row.id)).run();
    const ended = endSessionsOf(tx, row.id, keepTokenHash);
    appendAudit(tx, { userId: row.id, action: 'passwordChanged', divisionCode: row.divisionCode, target: target(row.id), details: { otherSessionsEnded: ended } }, now);
  });
  return { ok: true };
}

/**
 * Starts TOTP enrolment: a new secret, sealed, waits for a code. No-op when TOTP is on or a secret
 * is already pending (a reload must not replace the secret the user just scanned).
 */
export function beginTotp(db: Db, kek: Kek, userId: number): void {
  const row = userRow(db, userId);
  if (row.totpSecretSealed || row.totpPendingSealed) return;
  db.update(staffUsers).set({ totpPendingSealed: sealTotpSecret(kek, newTotpSecret()), totpKeyId: kek.id }).where(eq(staffUsers.id, userId)).run();
}

/** The secret being enrolled (base32) and its `otpauth://` URI, or null when none is pending. */
export function pendingTotp(db: Db, kek: Kek, userId: number): { secret: string; uri: string } | null {
  const row = userRow(db, userId);
  if (!row.totpPendingSealed || row.totpSecretSealed) return null;
  const secret = openTotpSecret(kek, row.totpPendingSealed);
  return { secret, uri: totpUri(secret, row.username) };
}

/** Abandons a pending enrolment. */
export function cancelTotp(db: Db, userId: number): void {
  db.update(staffUsers).set({ totpPendingSealed: null }).where(eq(staffUsers.id, userId)).run();
}

/** Confirms the pending secret with a code from the app: TOTP is then on. */
export function confirmTotp(db: Db, kek: Kek, userId: number, code: string, now: Date = new Date()): 'ok' | 'wrongCode' | 'notPending' {
  const row = userRow(db, userId);
  if (!row.totpPendingSealed || row.totpSecretSealed) return 'notPending';
  const step = checkTotpCode(openTotpSecret(kek, row.totpPendingSealed), code, now, null);
  if (step === null) return 'wrongCode';
  db.transaction((tx) => {
    tx.update(staffUsers).set({ totpSecretSealed: row.totpPendingSealed, totpPendingSealed: null, totpKeyId: kek.id, totpLastStep: step }).where(eq(staffUsers.id, userId)).run();
    appendAudit(tx, { userId, action: 'totpEnabled', divisionCode: row.divisionCode, target: target(userId) }, now);
  });
  return 'ok';
}

/**
 * Turns TOTP off with the password and a current code (each wrong one counts toward the lockout,
 * and a lockout ends every session).
 */
export async function disableTotp(db: Db, kek: Kek, userId: number, password: string, code: string, now: Date = new Date()): Promise<{ ok: true } | { ok: false; fields: FieldProblems }> {
  const row = userRow(db, userId);
  if (!row.totpSecretSealed) return { ok: true };
  if (!(await passwordMatches(row, password))) {
    if (recordFailure(db, row.id, 'totpFailed', 'wrongPassword', now)) endSessionsOf(db, row.id);
    return { ok: false, fields: { password: [t.account.wrongPassword] } };
  }
  const step = checkTotpCode(openTotpSecret(kek, row.totpSecretSealed), code, now, row.totpLastStep);
  if (step === null) {
    if (recordFailure(db, row.id, 'totpFailed', 'wrongCode', now)) endSessionsOf(db, row.id);
    return { ok: false, fields: { code: [t.account.codeWrong] } };
  }
  db.transaction((tx) => {
    tx.update(staffUsers).set({ totpSecretSealed: null, totpPendingSealed: null, totpLastStep: null, failedAttempts: 0 }).where(eq(staffUsers.id, userId)).run();
    appendAudit(tx, { userId, action: 'totpDisabled', divisionCode: row.divisionCode, target: target(userId) }, now);
  });
  return { ok: true };
}
