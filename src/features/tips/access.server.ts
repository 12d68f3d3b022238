/**
 * Which tips a staff user reaches (issue #5 point 3; DESIGN.md "Staff back office"): a tip belongs
 * to a division, and src/features/staff/authz.ts decides per action whether the user's role and
 * jurisdiction reach it. A tip that the user may not even view is answered exactly like a tip that
 * does not exist (`TipAccessError('notFound')`), so that its existence is not revealed.
 *
 * The division of a tip: the county the reporter chose (`subjectCountyCode`), else the county of
 * the registered party it names, else that party's city; a tip with none of these is held at the
 * province level (江西省, 360000).
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { parties, tips, type Party, type Tip } from '../../db/schema.ts';
import { can, type Actor, type StaffAction } from '../staff/authz.ts';
import { PROVINCE_CODE } from '../staff/staff.ts';
import { tipsText as t } from '../../i18n/admin-tips.zh-CN.ts';
import { open, type Kek } from './envelope.server.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** The database or a transaction on it. */
export type Reader = Db | Tx;

/**
 * A refusal of the back office about a tip, with a Chinese message: `notFound` (no such tip, or not
 * in the user's view: the same answer), `forbidden` (visible, but the role or jurisdiction does not
 * allow this action), `stale` (changed by someone else meanwhile), `notAllowed` (the state machine
 * has no such step from the tip's status), `refused` (a rule of the tip refuses it).
 */
export class TipAccessError extends Error {
  readonly code: 'notFound' | 'forbidden' | 'stale' | 'notAllowed' | 'refused';
  constructor(code: TipAccessError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** The division a tip belongs to (see the module comment), from the tip and the party it names. */
export function tipDivisionOf(tip: Pick<Tip, 'subjectCountyCode'>, party: Pick<Party, 'countyCode' | 'cityCode'> | null): string {
  return tip.subjectCountyCode ?? party?.countyCode ?? party?.cityCode ?? PROVINCE_CODE;
}

/** The same as `tipDivisionOf`, as SQL over `tips` left-joined with `parties` on `tips.partyId`. */
export function tipDivisionSql(): SQL<string> {
  return sql<string>`coalesce(${tips.subjectCountyCode}, ${parties.countyCode}, ${parties.cityCode}, ${PROVINCE_CODE})`;
}

/** A tip the user reaches, with the party it names and its division. */
export interface TipInScope {
  tip: Tip;
  party: Party | null;
  divisionCode: string;
}

/**
 * Tip `tipId` as `actor` may see it. Throws `TipAccessError('notFound')` when there is no such tip
 * or `actor` may not `viewTips` in its division; `TipAccessError('forbidden')` when `action` is
 * given and `actor` may not do it there.
 */
export function tipInScope(db: Reader, actor: Actor, tipId: number, action?: StaffAction): TipInScope {
  const row = Number.isSafeInteger(tipId) && tipId > 0 ? db.select().from(tips).leftJoin(parties, eq(tips.partyId, parties.id)).where(eq(tips.id, tipId)).get() : undefined;
  if (!row) throw new TipAccessError('notFound', t.errors.notFound);
  const divisionCode = tipDivisionOf(row.tips, row.parties);
  if (!can(actor, 'viewTips', { divisionCode })) throw new TipAccessError('notFound', t.errors.notFound);
  if (action && !can(actor, action, { divisionCode })) throw new TipAccessError('forbidden', t.errors.forbidden);
  return { tip: row.tips, party: row.parties, divisionCode };
}

/** The reporter's identity as sealed at submission (src/features/tips/tips.server.ts `submitTip`). */
export interface ReporterIdentity {
  name: string;
  /** 11 digits */
  mobile: string | null;
  /** 18 characters; only when a reward is claimed */
  idNumber: string | null;
  claimReward: boolean;
}

/**
 * Opens a real-name tip's sealed identity, or null for an anonymous tip. Only for the audited
 * reveal (./confidential.server.ts) and for reading the reward claim on the server (the claim
 * alone leaves this module's callers; never the name, mobile or ID number). Throws EnvelopeError
 * when the key is wrong or the value was altered.
 */
export function openReporterIdentity(kek: Kek, tip: Pick<Tip, 'reporterMode' | 'reporterCiphertext' | 'wrappedDataKey'>): ReporterIdentity | null {
  if (tip.reporterMode !== 'realName' || !tip.reporterCiphertext || !tip.wrappedDataKey) return null;
  const dataKey = open(kek.key, tip.wrappedDataKey);
  const raw = JSON.parse(open(dataKey, tip.reporterCiphertext).toString('utf8')) as Partial<ReporterIdentity>;
  return {
    name: typeof raw.name === 'string' ? raw.name : '',
    mobile: typeof raw.mobile === 'string' ? raw.mobile : null,
    idNumber: typeof raw.idNumber === 'string' ? raw.idNumber : null,
    claimReward: raw.claimReward === true,
  };
}

/** Whether a tip's reporter claimed a reward under a real name (reads the sealed identity; returns the flag only). */
export function claimsReward(kek: Kek, tip: Pick<Tip, 'reporterMode' | 'reporterCiphertext' | 'wrappedDataKey'>): boolean {
  return openReporterIdentity(kek, tip)?.claimReward === true;
}
