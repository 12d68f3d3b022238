/**
 * Sessions of signed-in staff. The cookie carries a random 32-byte token (base64url); the database
 * keeps only its SHA-256, so a copy of the database opens no session. A session ends after
 * `SESSION_IDLE_MS` without a request or `SESSION_LIFETIME_MS` after sign-in (./staff.ts), when the
 * user signs out (here or everywhere), changes their password (other sessions), or is disabled.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lte, ne, or } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { divisions, sessions, staffUsers, type StaffUser } from '../../db/schema.ts';
import { appendAudit } from './audit.server.ts';
import { jurisdictionOf, type Actor } from './authz.ts';
import { isSessionAlive, SESSION_IDLE_MS, SESSION_LIFETIME_MS, SESSION_TOUCH_MS, type StaffRole } from './staff.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** A staff user as pages and actions see them: no hash, no secret. */
export interface StaffUserView {
  id: number;
  username: string;
  displayName: string;
  role: StaffRole;
  divisionCode: string;
  mustChangePassword: boolean;
  totpEnabled: boolean;
}

/** The signed-in user of a request. */
export interface StaffContext {
  user: StaffUserView;
  actor: Actor;
  /** SHA-256 of this session's token */
  tokenHash: string;
}

/** The view of a user row. */
export function viewOf(row: StaffUser): StaffUserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    divisionCode: row.divisionCode,
    mustChangePassword: row.mustChangePassword,
    totpEnabled: row.totpSecretSealed !== null,
  };
}

/** The authorisation view of a user: role, division and the divisions below it. */
export function actorOf(db: Db | Tx, user: Pick<StaffUserView, 'id' | 'role' | 'divisionCode'>): Actor {
  const links = db.select({ code: divisions.code, parentCode: divisions.parentCode }).from(divisions).all();
  return { id: user.id, role: user.role, divisionCode: user.divisionCode, jurisdiction: jurisdictionOf(user.divisionCode, links) };
}

/** SHA-256 (hex) of a session token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `value` has the shape of a session token (43 base64url characters). */
export function isTokenShaped(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/u.test(value);
}

/** Starts a session for `userId` at `now`; returns the token for the cookie (never stored). */
export function createSession(db: Db | Tx, userId: number, now: Date): string {
  const token = randomBytes(32).toString('base64url');
  const at = now.toISOString();
  db.insert(sessions)
    .values({ tokenHash: hashToken(token), userId, createdAt: at, lastSeenAt: at, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString() })
    .run();
  return token;
}

/**
 * The user of a session token at `now`, or null when the token is unknown, the session has expired
 * (idle or absolute; it is then deleted) or the user is disabled. Records the activity (at most
 * once per `SESSION_TOUCH_MS`).
 */
export function resolveSession(db: Db, token: string, now: Date): StaffContext | null {
  if (!isTokenShaped(token)) return null;
  const tokenHash = hashToken(token);
  const row = db.select().from(sessions).innerJoin(staffUsers, eq(sessions.userId, staffUsers.id)).where(eq(sessions.tokenHash, tokenHash)).get();
  if (!row) return null;
  if (!isSessionAlive(row.sessions, now) || row.staff_users.disabled) {
    db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
    return null;
  }
  if (now.getTime() - new Date(row.sessions.lastSeenAt).getTime() >= SESSION_TOUCH_MS) {
    db.update(sessions).set({ lastSeenAt: now.toISOString() }).where(eq(sessions.tokenHash, tokenHash)).run();
  }
  const user = viewOf(row.staff_users);
  return { user, actor: actorOf(db, user), tokenHash };
}

/** Ends every session of `userId` except `keepTokenHash` (when given); returns how many ended. */
export function endSessionsOf(db: Db | Tx, userId: number, keepTokenHash?: string): number {
  const where = keepTokenHash ? and(eq(sessions.userId, userId), ne(sessions.tokenHash, keepTokenHash)) : eq(sessions.userId, userId);
  return db.delete(sessions).where(where).run().changes;
}

/** Signs the session out (deletes it) and logs it. */
export function signOut(db: Db, staff: StaffContext, now: Date = new Date()): void {
  db.transaction((tx) => {
    tx.delete(sessions).where(eq(sessions.tokenHash, staff.tokenHash)).run();
    appendAudit(tx, { userId: staff.user.id, action: 'signOut', divisionCode: staff.user.divisionCode, target: `staffUser:${staff.user.id}` }, now);
  });
}

/** Signs the user out on every device, this one included; returns how many sessions ended. */
export function signOutEverywhere(db: Db, staff: StaffContext, now: Date = new Date()): number {
  return db.transaction((tx) => {
    const n = endSessionsOf(tx, staff.user.id);
    appendAudit(tx, { userId: staff.user.id, action: 'signOutEverywhere', divisionCode: staff.user.divisionCode, target: `staffUser:${staff.user.id}`, details: { sessions: n } }, now);
    return n;
  });
}

/** Deletes sessions that can no longer be used at `now` (idle or past their lifetime); returns how many. */
export function purgeExpiredSessions(db: Db, now: Date = new Date()): number {
  const idleBefore = new Date(now.getTime() - SESSION_IDLE_MS).toISOString();
  return db
    .delete(sessions)
    .where(or(lte(sessions.expiresAt, now.toISOString()), lte(sessions.lastSeenAt, idleBefore)))
    .run().changes;
}
