/**
 * The audit log of the back office (issue #5 point 7): append-only. Rows are only ever inserted
 * here; the database refuses UPDATE and DELETE on `audit_log` (triggers in migration 0004).
 * Entries name users by id and things by `kind:id`; they never carry a password, code, token,
 * secret, or a reporter's personal data.
 */
import { and, count, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { auditLog, type AuditEntry } from '../../db/schema.ts';

/**
 * What is logged. Sign-in: `signIn` (details: totp, knownDevice), `signInFailed` (reason:
 * unknownUser, wrongPassword, wrongCode, locked, disabled), `signInThrottled` (a failure after
 * which the client must wait; reason: the rule, client / name / address of
 * src/features/staff/throttle.ts; details: waitSec, failures, knownDevice, source = a truncated
 * HMAC of the address, never the address; the tries refused during a wait check no password and
 * are not logged, so that a flood cannot fill this log), `lockedOut`; sessions: `signOut`, `signOutEverywhere`; own account:
 * `passwordChanged`, `passwordChangeFailed`, `totpEnabled`, `totpDisabled`, `totpFailed`;
 * users: `userCreated`, `userDisabled`, `userEnabled`; tips (src/features/tips/workflow.server.ts,
 * confidential.server.ts; `tipId` and the tip's division set): `tipTransitioned`, `rewardDecided`,
 * `rewardPaid` (details: the step, the amounts in yuan), `reporterMessaged` (the message id, never
 * its text), `identityRevealed` and `evidenceOpened` (reason: the one the user gave; target the
 * tip or `tipEvidence:id`).
 */
export type AuditAction =
  | 'signIn'
  | 'signInFailed'
  | 'signInThrottled'
  | 'lockedOut'
  | 'signOut'
  | 'signOutEverywhere'
  | 'passwordChanged'
  | 'passwordChangeFailed'
  | 'totpEnabled'
  | 'totpDisabled'
  | 'totpFailed'
  | 'userCreated'
  | 'userDisabled'
  | 'userEnabled'
  // publishing (issue #5 points 5 and 6): an official table written; exposures, honors, replies
  | 'importCommitted'
  | 'exposureCreated'
  | 'exposureUpdated'
  | 'exposureWithdrawn'
  | 'honorCreated'
  | 'honorUpdated'
  | 'honorWithdrawn'
  | 'replyRecorded'
  | 'replyDecided'
  // tips (issue #5 points 3 and 4): transitions, rewards, messages, confidential openings (with the reason given)
  | 'tipTransitioned'
  | 'rewardDecided'
  | 'rewardPaid'
  | 'reporterMessaged'
  | 'identityRevealed'
  | 'evidenceOpened';

/** One event to append. */
export interface AuditEvent {
  /** who acted; null when nobody is signed in */
  userId: number | null;
  action: AuditAction;
  tipId?: number | null;
  divisionCode?: string | null;
  /** `kind:id`, e.g. `staffUser:12` */
  target?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

type Writer = Pick<Db, 'insert'>;

/** Appends one entry at `now`; `db` may be a transaction, so that the entry commits with the change it records. */
export function appendAudit(db: Writer, event: AuditEvent, now: Date = new Date()): void {
  db.insert(auditLog)
    .values({
      at: now.toISOString(),
      userId: event.userId,
      action: event.action,
      tipId: event.tipId ?? null,
      divisionCode: event.divisionCode ?? null,
      target: event.target ?? null,
      reason: event.reason ?? null,
      details: event.details ?? {},
    })
    .run();
}

/** Filters of the audit view: all optional; `from`/`to` are ISO instants (`to` exclusive). */
export interface AuditFilter {
  userId?: number;
  tipId?: number;
  action?: string;
  from?: string;
  to?: string;
  /** only entries about these divisions (a city supervisor's jurisdiction); undefined = all */
  divisionCodes?: ReadonlySet<string>;
  limit?: number;
  offset?: number;
}

function whereOf(filter: AuditFilter): SQL | undefined {
  const where: SQL[] = [];
  if (filter.userId !== undefined) where.push(eq(auditLog.userId, filter.userId));
  if (filter.tipId !== undefined) where.push(eq(auditLog.tipId, filter.tipId));
  if (filter.action !== undefined) where.push(eq(auditLog.action, filter.action));
  if (filter.from !== undefined) where.push(gte(auditLog.at, filter.from));
  if (filter.to !== undefined) where.push(lt(auditLog.at, filter.to));
  if (filter.divisionCodes !== undefined) where.push(inArray(auditLog.divisionCode, [...filter.divisionCodes]));
  return and(...where);
}

/** Entries matching `filter`, newest first (at most `limit`, default 100). */
export function queryAudit(db: Db, filter: AuditFilter = {}): AuditEntry[] {
  return db
    .select()
    .from(auditLog)
    .where(whereOf(filter))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0)
    .all();
}

/** How many entries match `filter` (its `limit` and `offset` ignored): the audit view's page count. */
export function countAudit(db: Db, filter: AuditFilter = {}): number {
  return db.select({ n: count() }).from(auditLog).where(whereOf(filter)).get()?.n ?? 0;
}

/** The distinct actions among the entries of `divisionCodes` (undefined = all), sorted: the audit view's action filter. */
export function auditActionsIn(db: Db, divisionCodes?: ReadonlySet<string>): string[] {
  return db
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .where(whereOf({ divisionCodes }))
    .orderBy(auditLog.action)
    .all()
    .map((r) => r.action);
}
