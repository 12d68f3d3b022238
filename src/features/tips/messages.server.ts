/**
 * Messages between the reporter and the handling staff (issue #4 point 6): the reporter adds
 * information and evidence files to a filed tip from /report/track with the receipt no. and the
 * access code. The text is sealed under the tip's data key (./envelope.server.ts); an anonymous
 * tip filed without evidence gets its data key with its first message. Files sent with a message
 * are `tipEvidence` rows with `messageId`, and count towards the tip's total of 10 files.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, isNull, max } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { tipEvidence, tipMessages, tips, type Tip, type TipEvidence } from '../../db/schema.ts';
import { open, seal, type Kek } from './envelope.server.ts';
import { EVIDENCE_LIMITS, EvidenceError } from './evidence.ts';
import { removeStoredFiles, storeEvidence, type EvidenceUpload } from './evidence.server.ts';
import { charLength, stripInvisible } from './tip.ts';
import { findTipByAccess } from './tips.server.ts';

/** Length limits of a message, in characters (code points). */
export const MESSAGE_LIMITS = { minChars: 1, maxChars: 2000 } as const;

/** A message as the reporter sees it: decrypted text, files as text only. */
export interface MessageView {
  author: 'reporter' | 'staff';
  text: string;
  at: string;
  files: { originalName: string; mediaType: string; previewStatus: TipEvidence['previewStatus'] }[];
}

/** The text of a message as stored: NFC, invisible format characters removed, trimmed. */
export function cleanMessageText(text: string): string {
  return stripInvisible(text.normalize('NFC')).trim();
}

/** The Chinese problem with a cleaned message text, or null when it is fine. */
export function messageTextProblem(cleaned: string): string | null {
  if (charLength(cleaned) < MESSAGE_LIMITS.minChars) return '请填写补充内容';
  if (charLength(cleaned) > MESSAGE_LIMITS.maxChars) return `补充内容不能超过${MESSAGE_LIMITS.maxChars}个字`;
  return null;
}

/** Files over the tip's total: refused like any other evidence problem, with the count left. */
export class EvidenceTotalError extends EvidenceError {
  constructor(existing: number) {
    super('tooMany');
    const left = Math.max(0, EVIDENCE_LIMITS.maxFiles - existing);
    this.message = `每件举报最多 ${EVIDENCE_LIMITS.maxFiles} 个证据文件，已上传 ${existing} 个，本次最多还能上传 ${left} 个，请删减后再提交。`;
  }
}

/** What `addReporterMessage` did: `added`, or `refused` with a field and its Chinese message. */
export type AddMessageResult =
  | { kind: 'added'; tip: Tip; messageId: number }
  | { kind: 'refused'; tip: Tip; field: 'text' | 'evidence'; message: string };

function evidenceCount(db: Pick<Db, 'select'>, tipId: number): { count: number; nextPosition: number } {
  const row = db.select({ n: count(), last: max(tipEvidence.position) }).from(tipEvidence).where(eq(tipEvidence.tipId, tipId)).get();
  return { count: row?.n ?? 0, nextPosition: row?.last === null || row?.last === undefined ? 0 : row.last + 1 };
}

/**
 * Adds a message from the reporter, with optional evidence files. The receipt no. and access code
 * are checked like `trackTip` (argon2id); a wrong one returns null and stores nothing, so the
 * caller answers with the same generic error and records a failure. A bad text (1–2000 characters
 * after removing invisible characters) or refused files (any EvidenceError, or more than 10 files
 * in all for the tip) return `refused`, storing nothing. Files are checked and written sealed
 * before the one transaction that inserts the message and its evidence rows (positions after the
 * tip's existing files), and removed again if it does not commit. Throws on database failure.
 */
export async function addReporterMessage(
  db: Db,
  kek: Kek,
  input: { receiptNo: string; accessCode: string; text: string; files: EvidenceUpload[]; dataDir: string; now?: Date },
): Promise<AddMessageResult | null> {
  const tip = await findTipByAccess(db, input.receiptNo, input.accessCode);
  if (!tip) return null;
  const text = cleanMessageText(input.text);
  const textProblem = messageTextProblem(text);
  if (textProblem) return { kind: 'refused', tip, field: 'text', message: textProblem };
  const existing = evidenceCount(db, tip.id);
  if (existing.count + input.files.length > EVIDENCE_LIMITS.maxFiles) return { kind: 'refused', tip, field: 'evidence', message: new EvidenceTotalError(existing.count).message };

  // the tip's data key; an anonymous tip filed without evidence gets one now (stored in the transaction)
  const newKey = tip.wrappedDataKey ? null : randomBytes(32);
  const dataKey = newKey ?? open(kek.key, tip.wrappedDataKey ?? '');
  const ciphertext = seal(dataKey, Buffer.from(text, 'utf8'));
  const at = (input.now ?? new Date()).toISOString();
  let stored: Awaited<ReturnType<typeof storeEvidence>>;
  try {
    stored = input.files.length ? await storeEvidence(input.dataDir, dataKey, input.files) : [];
  } catch (e) {
    if (e instanceof EvidenceError) return { kind: 'refused', tip, field: 'evidence', message: e.message };
    throw e;
  }
  try {
    const messageId = db.transaction((tx) => {
      if (newKey) {
        // only if no other message gave the tip a key meanwhile (the files are sealed with this one)
        const set = tx
          .update(tips)
          .set({ wrappedDataKey: seal(kek.key, newKey), keyId: kek.id, updatedAt: at })
          .where(and(eq(tips.id, tip.id), isNull(tips.wrappedDataKey)))
          .run();
        if (set.changes !== 1) throw new Error('the tip got a data key concurrently');
      }
      // the same message sent twice (a double click, a reload): the first one stands
      const repeated = repeatOf(tx, tip.id, dataKey, text, stored.map((f) => f.sha256), at);
      if (repeated !== null) throw new RepeatedMessage(repeated);
      // counted again inside the transaction: another message may have added files meanwhile
      const now = evidenceCount(tx, tip.id);
      if (now.count + stored.length > EVIDENCE_LIMITS.maxFiles) throw new EvidenceTotalError(now.count);
      const row = tx.insert(tipMessages).values({ tipId: tip.id, author: 'reporter', ciphertext, at }).returning({ id: tipMessages.id }).get();
      if (stored.length) {
        tx.insert(tipEvidence)
          .values(stored.map(({ paths: _paths, position, ...f }) => ({ ...f, position: now.nextPosition + position, tipId: tip.id, messageId: row.id, receivedAt: at })))
          .run();
      }
      return row.id;
    });
    return { kind: 'added', tip, messageId };
  } catch (e) {
    await removeStoredFiles(stored.flatMap((f) => f.paths));
    if (e instanceof RepeatedMessage) return { kind: 'added', tip, messageId: e.messageId };
    if (e instanceof EvidenceTotalError) return { kind: 'refused', tip, field: 'evidence', message: e.message };
    throw e;
  }
}

/** How long the same message (text and files) again counts as sent twice rather than anew (ms). */
export const REPEAT_WINDOW_MS = 60_000;

/** Rolls back a message that repeats the reporter's previous one (`messageId`). */
class RepeatedMessage extends Error {
  readonly messageId: number;
  constructor(messageId: number) {
    super('the same message was just added');
    this.messageId = messageId;
  }
}

/**
 * The id of the reporter's last message of tip `tipId` when it was sent within REPEAT_WINDOW_MS
 * before `at` with the same text and files (SHA-256 in order), else null.
 */
function repeatOf(db: Pick<Db, 'select'>, tipId: number, dataKey: Buffer, text: string, sha256s: string[], at: string): number | null {
  const last = db
    .select()
    .from(tipMessages)
    .where(and(eq(tipMessages.tipId, tipId), eq(tipMessages.author, 'reporter')))
    .orderBy(desc(tipMessages.id))
    .limit(1)
    .get();
  if (!last || Date.parse(at) - Date.parse(last.at) > REPEAT_WINDOW_MS) return null;
  let previous: string;
  try {
    previous = open(dataKey, last.ciphertext).toString('utf8');
  } catch {
    return null;
  }
  if (previous !== text) return null;
  const files = db.select({ sha256: tipEvidence.sha256 }).from(tipEvidence).where(eq(tipEvidence.messageId, last.id)).orderBy(asc(tipEvidence.position)).all();
  return JSON.stringify(files.map((f) => f.sha256)) === JSON.stringify(sha256s) ? last.id : null;
}

/** What `insertStaffMessage` writes with: a transaction (or the database) able to read and write. */
type Writer = Pick<Db, 'select' | 'insert' | 'update'>;

/**
 * Inserts a message from staff to the reporter of tip `tipId` at `at` (ISO instant), sealed under
 * the tip's data key like the reporter's messages; a tip without a data key yet (anonymous, filed
 * without evidence) gets one here. Synchronous, so that it runs inside the caller's transaction
 * with the change it announces (./workflow.server.ts). `text` is stored as given: the caller
 * cleans and checks it (`cleanMessageText`, `messageTextProblem`). Returns the message id.
 * Throws when the tip does not exist or got a data key concurrently (the transaction then rolls back).
 */
export function insertStaffMessage(db: Writer, kek: Kek, tipId: number, text: string, at: string): number {
  const tip = db.select({ wrappedDataKey: tips.wrappedDataKey }).from(tips).where(eq(tips.id, tipId)).get();
  if (!tip) throw new Error(`tip ${tipId} not found`);
  let dataKey: Buffer;
  if (tip.wrappedDataKey) dataKey = open(kek.key, tip.wrappedDataKey);
  else {
    dataKey = randomBytes(32);
    const set = db
      .update(tips)
      .set({ wrappedDataKey: seal(kek.key, dataKey), keyId: kek.id })
      .where(and(eq(tips.id, tipId), isNull(tips.wrappedDataKey)))
      .run();
    if (set.changes !== 1) throw new Error('the tip got a data key concurrently');
  }
  return db
    .insert(tipMessages)
    .values({ tipId, author: 'staff', ciphertext: seal(dataKey, Buffer.from(text, 'utf8')), at })
    .returning({ id: tipMessages.id })
    .get().id;
}

/** A tip's messages, decrypted, oldest first, each with the files sent with it (as text only). */
export function listMessages(db: Db, kek: Kek, tipId: number): MessageView[] {
  const rows = db.select().from(tipMessages).where(eq(tipMessages.tipId, tipId)).orderBy(asc(tipMessages.at), asc(tipMessages.id)).all();
  if (rows.length === 0) return [];
  const wrapped = db.select({ wrappedDataKey: tips.wrappedDataKey }).from(tips).where(eq(tips.id, tipId)).get()?.wrappedDataKey;
  if (!wrapped) throw new Error(`tip ${tipId} has messages but no data key`);
  const dataKey = open(kek.key, wrapped);
  const files = db.select().from(tipEvidence).where(eq(tipEvidence.tipId, tipId)).orderBy(asc(tipEvidence.position)).all();
  return rows.map((m) => ({
    author: m.author,
    text: open(dataKey, m.ciphertext).toString('utf8'),
    at: m.at,
    files: files.filter((f) => f.messageId === m.id).map((f) => ({ originalName: f.originalName, mediaType: f.mediaType, previewStatus: f.previewStatus })),
  }));
}
