/**
 * Staff accounts of the back office (DESIGN.md "Staff back office"; issue #5 point 1): roles and
 * the division level each is bound to, the sign-in rules (TOTP, session lifetimes, password
 * strength, the lockout of account settings; the sign-in throttle is ./throttle.ts) and the form
 * schemas shared by the Astro Actions and `npm run admin:create`. Pure code.
 */
import { z } from '../../lib/zod.ts';
import { admin as t } from '../../i18n/admin.zh-CN.ts';

/** The three roles, highest first. */
export const STAFF_ROLES = ['provincialAdmin', 'citySupervisor', 'countyOfficer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Level of the division (GB/T 2260) an account of each role is bound to. */
export const ROLE_DIVISION_LEVEL: Readonly<Record<StaffRole, 'province' | 'city' | 'county'>> = {
  provincialAdmin: 'province',
  citySupervisor: 'city',
  countyOfficer: 'county',
};

/** Rank of a role: a user may only create or manage users of a strictly lower rank (authz.ts). */
export const ROLE_RANK: Readonly<Record<StaffRole, number>> = { provincialAdmin: 3, citySupervisor: 2, countyOfficer: 1 };

/** The province's division code (江西省). */
export const PROVINCE_CODE = '360000';

/**
 * Lockout for wrong passwords or codes typed in one's own account settings (changing the password,
 * turning TOTP off), where only someone signed in can type them: after this many in a row the
 * account's sessions end and it is locked… (sign-in itself is throttled instead: ./throttle.ts)
 */
export const LOCKOUT_MAX_FAILURES = 5;
/** …for this long (ms). */
export const LOCKOUT_DURATION_MS = 15 * 60 * 1000;

/** A session ends after this long without a request (ms)… */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** …and in any case this long after sign-in (ms). */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** `lastSeenAt` is written at most this often (ms): one write per minute, not per request. */
export const SESSION_TOUCH_MS = 60 * 1000;

/**
 * TOTP (RFC 6238) as every authenticator app reads it: HMAC-SHA1, 6 digits, 30-second steps; a
 * code of the previous or next step is accepted (clock drift), and a step's code only once.
 */
export const TOTP_SETTINGS = { algorithm: 'SHA1', digits: 6, period: 30, window: 1 } as const;
/** Issuer shown in authenticator apps. */
export const TOTP_ISSUER = '坊信';

/** Password length in characters (code points): NIST SP 800-63B asks length, not composition. */
export const PASSWORD_MIN_LENGTH = 12;
/** Upper bound, so that hashing cost stays bounded. */
export const PASSWORD_MAX_LENGTH = 128;

/** Lower-case sign-in names: 3–32 of a-z 0-9 . _ -, starting with a letter or digit. */
export const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{2,31}$/u;

/** The problem with `password` as a new password for `username`, in Chinese; null when acceptable. */
export function passwordProblem(password: string, username?: string | null): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return t.validation.passwordTooShort(PASSWORD_MIN_LENGTH);
  if (length > PASSWORD_MAX_LENGTH) return t.validation.passwordTooLong(PASSWORD_MAX_LENGTH);
  if (username && password.toLowerCase().includes(username.toLowerCase())) return t.validation.passwordContainsUsername;
  return null;
}

/** Whether an account locked until `lockedUntil` (ISO instant or null) is still locked at `now`. */
export function isLocked(lockedUntil: string | null, now: Date): boolean {
  return lockedUntil !== null && new Date(lockedUntil).getTime() > now.getTime();
}

/**
 * The counter after one more wrong password or code: the `failures`-th failure in a row. At
 * `LOCKOUT_MAX_FAILURES` the account locks for `LOCKOUT_DURATION_MS` and the counter starts again.
 */
export function afterFailure(failures: number, now: Date): { failedAttempts: number; lockedUntil: string | null } {
  const next = failures + 1;
  if (next >= LOCKOUT_MAX_FAILURES) return { failedAttempts: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_DURATION_MS).toISOString() };
  return { failedAttempts: next, lockedUntil: null };
}

/** Whether a session created at `createdAt` and last seen at `lastSeenAt` (ISO instants) is still valid at `now`. */
export function isSessionAlive(session: { createdAt: string; lastSeenAt: string; expiresAt: string }, now: Date): boolean {
  const t0 = now.getTime();
  return new Date(session.expiresAt).getTime() > t0 && new Date(session.lastSeenAt).getTime() + SESSION_IDLE_MS > t0;
}

/**
 * The 30-second step of a TOTP code accepted at `now` with `delta` (from otpauth's `validate`), or
 * null when that step is not after `lastStep`: a code is never accepted twice (RFC 6238 §5.2).
 */
export function acceptedStep(delta: number | null, now: Date, lastStep: number | null): number | null {
  if (delta === null) return null;
  const step = Math.floor(now.getTime() / 1000 / TOTP_SETTINGS.period) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

// Astro's form parser sends `null` for an empty field: every field accepts it as ''.
const field = () =>
  z
    .string()
    .nullish()
    .transform((v) => v ?? '');

const usernameField = () =>
  field()
    .transform((v) => v.normalize('NFKC').trim().toLowerCase())
    .refine((v) => v !== '', t.validation.usernameRequired)
    .refine((v) => v === '' || USERNAME_RE.test(v), t.validation.usernameFormat);

const displayNameField = () =>
  field()
    .transform((v) => v.normalize('NFC').replace(/\p{Cf}/gu, '').trim())
    .refine((v) => v !== '', t.validation.nameRequired)
    .refine((v) => [...v].length <= 40, t.validation.nameTooLong);

const passwordField = () => field().refine((v) => v !== '', t.validation.passwordRequired);

/** A 6-digit code, spaces and full-width digits allowed; '' when left empty. */
const codeField = () =>
  field()
    .transform((v) => v.normalize('NFKC').replace(/\s/gu, ''))
    .refine((v) => v === '' || /^\d{6}$/u.test(v), t.validation.codeFormat);

/** The sign-in form. The code is '' when not given. */
export const loginSchema = z.object({
  username: usernameField(),
  password: passwordField().refine((v) => v.length <= 4 * PASSWORD_MAX_LENGTH, t.login.failed),
  code: codeField(),
});
export type LoginForm = z.infer<typeof loginSchema>;

/**
 * Checks a new password typed twice (`key`, `confirmKey`) inside an object schema's superRefine;
 * `username` (when known) must not be part of it.
 */
function checkNewPassword(v: Record<string, string>, key: string, confirmKey: string, ctx: z.core.$RefinementCtx, username?: string): void {
  const pw = v[key] ?? '';
  if (pw === '') return;
  const problem = passwordProblem(pw, username);
  if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
  else if (v[confirmKey] !== pw) ctx.addIssue({ code: 'custom', path: [confirmKey], message: t.validation.passwordMismatch });
}

/** Changing one's own password (whether it contains the username is checked by the server, which knows it). */
export const changePasswordSchema = z
  .object({ currentPassword: passwordField(), newPassword: passwordField(), confirmPassword: field() })
  .superRefine((v, ctx) => {
    checkNewPassword(v, 'newPassword', 'confirmPassword', ctx);
    if (v.newPassword !== '' && v.newPassword === v.currentPassword) ctx.addIssue({ code: 'custom', path: ['newPassword'], message: t.validation.passwordSame });
  });
export type ChangePasswordForm = z.infer<typeof changePasswordSchema>;

/** Confirming a TOTP enrolment. */
export const totpConfirmSchema = z.object({ code: codeField().refine((v) => v !== '', t.validation.codeFormat) });

/** Turning TOTP off: the password and a current code. */
export const totpDisableSchema = z.object({ password: passwordField(), code: codeField().refine((v) => v !== '', t.validation.codeFormat) });

/** Creating a user (the creator's rights are checked by authz.ts, the division's level by the server). */
export const createUserSchema = z
  .object({
    username: usernameField(),
    displayName: displayNameField(),
    role: field()
      .transform((v) => v as StaffRole)
      .refine((v) => STAFF_ROLES.includes(v), t.validation.roleRequired),
    divisionCode: field()
      .transform((v) => v.trim())
      .refine((v) => /^\d{6}$/u.test(v), t.validation.divisionRequired),
    password: passwordField(),
    confirmPassword: field(),
  })
  .superRefine((v, ctx) => checkNewPassword(v, 'password', 'confirmPassword', ctx, USERNAME_RE.test(v.username) ? v.username : undefined));
export type CreateUserForm = z.infer<typeof createUserSchema>;

/** Disabling or re-enabling a user. */
export const setUserDisabledSchema = z.object({
  userId: z.coerce.number().int().positive(),
  // exactly one of the two values the page's buttons send; anything else is an error, not "enable"
  disabled: z.enum(['true', 'false', '1', '0'], { error: '操作无效：请从用户列表中停用或启用' }).transform((v) => v === 'true' || v === '1'),
});

/** The first administrator from the command line. */
export const firstAdminSchema = z
  .object({ username: usernameField(), displayName: displayNameField(), password: passwordField() })
  .superRefine((v, ctx) => {
    const problem = v.password === '' ? null : passwordProblem(v.password, v.username);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });
export type FirstAdminForm = z.infer<typeof firstAdminSchema>;
