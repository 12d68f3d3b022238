/**
 * Storing and tracking tips. A tip is written in one transaction with its first status event; the
 * receipt is returned only after the commit. The access code is returned once and only its
 * argon2id hash is stored. The reporter's identity is encrypted (./envelope.server.ts); no IP
 * address is stored.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { parties, tipEvents, tipEvidence, tipMessages, tips, type Tip } from '../../db/schema.ts';
import { seal, type Kek } from './envelope.server.ts';
import { listMessages, type MessageView } from './messages.server.ts';
import { removeStoredFiles, storeEvidence, type EvidenceUpload } from './evidence.server.ts';
import { ACCESS_CODE_ALPHABET, normalizeMobile, type TipForm } from './tip.ts';
import { tipClocks, type TipClocks } from './clocks.ts';
import { findDuplicateTip } from './abuse.server.ts';
import { todayInShanghai } from '../../lib/dates.ts';

/** argon2id parameters (OWASP 2023 minimum: m=19 MiB, t=2, p=1). */
// algorithm 2 = Argon2id (a const enum in the package's types, which isolated modules cannot read)
const ARGON2: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** What the reporter gets after the commit. */
export type SubmitResult = { kind: 'created'; receiptNo: string; accessCode: string; submittedAt: string } | { kind: 'duplicate'; receiptNo: string };

function newReceiptNo(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 10 ** 7)).padStart(7, '0')}${String(randomInt(0, 10 ** 8)).padStart(8, '0')}`;
}

function newAccessCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += ACCESS_CODE_ALPHABET[randomInt(0, ACCESS_CODE_ALPHABET.length)];
  return code;
}

/**
 * Stores a validated tip. The same `submissionToken` twice (a reload or double click) stores one
 * tip and answers `duplicate` the second time. A near-same tip about the same workshop within a
 * day is stored and flagged (`duplicateOfTipId`) for staff. `options.proofOfWork`: whether the
 * form's proof-of-work challenge was verified (./proof-of-work.server.ts), stored for staff.
 * Throws on database failure; nothing is stored then.
 */
export async function submitTip(
  db: Db,
  kek: Kek,
  form: TipForm,
  now = new Date(),
  evidence: { dataDir: string; files: EvidenceUpload[] } | null = null,
  options: { proofOfWork?: boolean } = {},
): Promise<SubmitResult> {
  const existing = db.select({ receiptNo: tips.receiptNo }).from(tips).where(eq(tips.submissionToken, form.submissionToken)).get();
  if (existing) return { kind: 'duplicate', receiptNo: existing.receiptNo };
  const accessCode = newAccessCode();
  const accessCodeHash = await hash(accessCode, ARGON2);
  const files = evidence?.files ?? [];
  // one data key per tip seals its identity and its evidence; the KEK wraps it
  const needsKey = form.reporterMode === 'realName' || files.length > 0;
  const dataKey = needsKey ? randomBytes(32) : null;
  const identityJson = { name: form.reporterName, mobile: normalizeMobile(form.mobile), idNumber: form.claimReward ? form.idNumber : null, claimReward: form.claimReward };
  const reporterCiphertext = dataKey && form.reporterMode === 'realName' ? seal(dataKey, Buffer.from(JSON.stringify(identityJson), 'utf8')) : null;
  const wrappedDataKey = dataKey ? seal(kek.key, dataKey) : null;
  const party = form.workshopId ? db.select().from(parties).where(eq(parties.id, form.workshopId)).get() : undefined;
  const duplicateOfTipId = findDuplicateTip(db, { partyId: party?.id ?? null, subjectName: form.subjectName, description: form.description }, now);
  const at = now.toISOString();
  // files are checked and written (sealed) before the transaction, which cannot await; they are
  // removed again unless the transaction that references them commits
  const stored = dataKey && evidence && files.length ? await storeEvidence(evidence.dataDir, dataKey, files) : [];
  const removeFiles = () => removeStoredFiles(stored.flatMap((f) => f.paths));
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const receiptNo = newReceiptNo();
      try {
        const result = db.transaction((tx): SubmitResult => {
          const dup = tx.select({ receiptNo: tips.receiptNo }).from(tips).where(eq(tips.submissionToken, form.submissionToken)).get();
          if (dup) return { kind: 'duplicate', receiptNo: dup.receiptNo };
          const row = tx
            .insert(tips)
            .values({
              receiptNo,
              accessCodeHash,
              submissionToken: form.submissionToken,
              status: 'submitted',
              partyId: party?.id ?? null,
              subjectName: form.subjectName,
              subjectPlace: form.subjectPlace,
              subjectCountyCode: form.countyCode ?? party?.countyCode ?? null,
              category: form.category,
              description: form.description,
              occurredOn: form.occurredOn,
              reporterMode: form.reporterMode,
              reporterCiphertext,
              wrappedDataKey,
              keyId: dataKey ? kek.id : null,
              duplicateOfTipId,
              proofOfWork: options.proofOfWork ?? false,
              submittedAt: at,
              updatedAt: at,
            })
            .returning({ id: tips.id })
            .get();
          if (stored.length) {
            tx.insert(tipEvidence)
              .values(stored.map(({ paths: _paths, ...f }) => ({ ...f, tipId: row.id, receivedAt: at })))
              .run();
          }
          tx.insert(tipEvents).values({ tipId: row.id, status: 'submitted', at }).run();
          return { kind: 'created', receiptNo, accessCode, submittedAt: at };
        });
        if (result.kind === 'duplicate') await removeFiles();
        return result;
      } catch (e) {
        // a receipt-number collision retries with a new number; anything else is a real failure
        if (!(e instanceof Error && /UNIQUE constraint failed: tips\.receipt_no/u.test(e.message))) throw e;
      }
    }
    throw new Error('could not allocate a receipt number');
  } catch (e) {
    await removeFiles();
    throw e;
  }
}

/** What the reporter sees on /report/track. */
export interface TrackView {
  receiptNo: string;
  status: string;
  subjectName: string;
  submittedAt: string;
  events: { status: string; at: string; note: string | null }[];
  /** the statutory clocks on `today` (./clocks.ts); the 立案 clock only while undecided */
  clocks: TipClocks;
  /** messages both ways, decrypted, oldest first (./messages.server.ts) */
  messages: MessageView[];
  /** the files filed with the tip itself (not with a later message), as text only */
  evidence: MessageView['files'];
}

/**
 * The tip for a receipt no. and access code (argon2id verify), or null when either is wrong.
 * Takes about the same time either way (an unknown receipt no. still hashes once).
 */
export async function findTipByAccess(db: Db, receiptNo: string, accessCode: string): Promise<Tip | null> {
  const tip = db.select().from(tips).where(eq(tips.receiptNo, receiptNo)).get();
  const ok = tip ? await verify(tip.accessCodeHash, accessCode).catch(() => false) : await hash(accessCode, ARGON2).then(() => false);
  return tip && ok ? tip : null;
}

/** What the reporter sees of `tip` (already verified); `kek` opens the messages. */
export async function trackViewOf(db: Db, tip: Tip, kek: Kek): Promise<TrackView> {
  const events = db.select().from(tipEvents).where(eq(tipEvents.tipId, tip.id)).orderBy(asc(tipEvents.at), asc(tipEvents.id)).all();
  const opened = events.find((e) => e.status === 'caseOpened');
  const hasMessages = db.select({ id: tipMessages.id }).from(tipMessages).where(eq(tipMessages.tipId, tip.id)).limit(1).get() !== undefined;
  const messages = hasMessages ? listMessages(db, kek, tip.id) : [];
  const evidence = db
    .select({ originalName: tipEvidence.originalName, mediaType: tipEvidence.mediaType, previewStatus: tipEvidence.previewStatus })
    .from(tipEvidence)
    .where(and(eq(tipEvidence.tipId, tip.id), isNull(tipEvidence.messageId)))
    .orderBy(asc(tipEvidence.position))
    .all();
  return {
    receiptNo: tip.receiptNo,
    status: tip.status,
    subjectName: tip.subjectName,
    submittedAt: tip.submittedAt,
    events: events.map((e) => ({ status: e.status, at: e.at, note: e.note })),
    clocks: tipClocks({
      receivedOn: todayInShanghai(new Date(tip.submittedAt)),
      caseOpenedOn: opened ? todayInShanghai(new Date(opened.at)) : null,
      today: todayInShanghai(),
    }),
    messages,
    evidence,
  };
}

/**
 * The tip for a receipt no. and access code, or null when either is wrong (the caller shows one
 * generic error, so that receipt numbers cannot be probed). Takes about the same time either way.
 * `kek` opens the tip's messages.
 */
export async function trackTip(db: Db, receiptNo: string, accessCode: string, kek: Kek): Promise<TrackView | null> {
  const tip = await findTipByAccess(db, receiptNo, accessCode);
  return tip ? trackViewOf(db, tip, kek) : null;
}
