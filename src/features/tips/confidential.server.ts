/**
 * Opening what a tip keeps confidential (DESIGN.md "Tip-offs" → Confidentiality; issue #5 point
 * 3): the reporter's identity and the original evidence files are opened only on an explicit
 * request with a stated reason, by a user whose role and jurisdiction allow it
 * (src/features/staff/authz.ts: revealIdentity, openEvidence), and each opening is written to the
 * audit log (who, when, which tip, which file, why) BEFORE anything is decrypted. The previews
 * (re-encoded, without metadata) are what staff see otherwise; they need `viewTips` only.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { tipEvidence, type TipEvidence } from '../../db/schema.ts';
import { z } from '../../lib/zod.ts';
import { tipsText as t } from '../../i18n/admin-tips.zh-CN.ts';
import { appendAudit } from '../staff/audit.server.ts';
import type { Actor, StaffAction } from '../staff/authz.ts';
import { openReporterIdentity, TipAccessError, tipInScope, type ReporterIdentity, type TipInScope } from './access.server.ts';
import { open, type Kek } from './envelope.server.ts';
import { readStoredEvidence } from './evidence.server.ts';
import { charLength, stripInvisible } from './tip.ts';

/** Length of the reason for opening, in characters (code points). */
export const ACCESS_REASON_LIMITS = { min: 4, max: 200 } as const;

/** The reason form: `reason`, 4–200 characters after removing invisible characters; Chinese errors. */
export const accessReasonSchema = z.object({
  reason: z
    .string()
    .nullish()
    .transform((v) => stripInvisible((v ?? '').normalize('NFC')).trim())
    .superRefine((v, ctx) => {
      if (v === '') ctx.addIssue({ code: 'custom', message: t.validation.reasonForAccessRequired });
      else if (charLength(v) < ACCESS_REASON_LIMITS.min || charLength(v) > ACCESS_REASON_LIMITS.max) ctx.addIssue({ code: 'custom', message: t.validation.reasonForAccessLength });
    }),
});

/**
 * The reason posted with a request to open identity or original evidence: `typed` (what was typed,
 * at most 400 characters, to show again), and either `reason` (checked by `accessReasonSchema`)
 * or a Chinese `error`. An unreadable body counts as no reason.
 */
export async function readAccessReason(request: Request): Promise<{ typed: string; reason: string | null; error: string | null }> {
  const form = await request.formData().catch(() => null);
  const raw = form?.get('reason');
  const typed = typeof raw === 'string' ? raw.slice(0, 400) : '';
  const parsed = accessReasonSchema.safeParse({ reason: typeof raw === 'string' ? raw : null });
  if (!parsed.success) return { typed, reason: null, error: parsed.error.issues[0]?.message ?? t.validation.reasonForAccessRequired };
  return { typed, reason: parsed.data.reason, error: null };
}

/**
 * Reveals the reporter's identity of tip `tipId` to `actor` for `reason` (already checked by
 * `accessReasonSchema`). An anonymous tip returns `{ kind: 'anonymous' }` and logs nothing (there
 * is nothing to open). Otherwise an `identityRevealed` audit row (user, time, tip, division,
 * reason) is committed first, then the identity is decrypted and returned — for the response
 * only: callers must not store it. Throws `TipAccessError` `notFound` (no such tip or not in
 * view) / `forbidden` (no revealIdentity on its division), EnvelopeError on a wrong key.
 */
export function revealIdentity(db: Db, kek: Kek, actor: Actor, tipId: number, reason: string, now: Date = new Date()): { kind: 'anonymous' } | { kind: 'revealed'; identity: ReporterIdentity } {
  const { tip, divisionCode } = tipInScope(db, actor, tipId, 'revealIdentity');
  if (tip.reporterMode !== 'realName' || !tip.reporterCiphertext) return { kind: 'anonymous' };
  appendAudit(db, { userId: actor.id, action: 'identityRevealed', tipId: tip.id, divisionCode, target: `tip:${tip.id}`, reason }, now);
  const identity = openReporterIdentity(kek, tip);
  if (!identity) return { kind: 'anonymous' };
  return { kind: 'revealed', identity };
}

/**
 * Evidence file `evidenceId` of tip `tipId` as `actor` may reach it for `action` (viewTips for a
 * preview, openEvidence for the original). Throws `TipAccessError`: `notFound` when the tip is
 * not in view or has no such file, `forbidden` when `action` is not allowed on its division.
 */
export function evidenceInScope(db: Db, actor: Actor, tipId: number, evidenceId: number, action: StaffAction): TipInScope & { file: TipEvidence } {
  const scope = tipInScope(db, actor, tipId, action);
  const file = Number.isSafeInteger(evidenceId) && evidenceId > 0 ? db.select().from(tipEvidence).where(and(eq(tipEvidence.id, evidenceId), eq(tipEvidence.tipId, scope.tip.id))).get() : undefined;
  if (!file) throw new TipAccessError('notFound', t.errors.evidenceNotFound);
  return { ...scope, file };
}

/** An opened file: its bytes and the media type recorded for it (decided from the bytes on receipt). */
export interface OpenedFile {
  bytes: Buffer;
  mediaType: string;
  file: TipEvidence;
}

function dataKeyOf(kek: Kek, scope: TipInScope): Buffer {
  if (!scope.tip.wrappedDataKey) throw new Error(`tip ${scope.tip.id} has evidence but no data key`);
  return open(kek.key, scope.tip.wrappedDataKey);
}

/**
 * Opens the ORIGINAL of evidence file `evidenceId` of tip `tipId` (with its metadata, as
 * received) for `actor` and `reason` (checked by `accessReasonSchema`): an `evidenceOpened` audit
 * row (user, time, tip, file as `tipEvidence:{id}`, its position, type, size and SHA-256, reason)
 * is committed first, then the sealed file under `dataDir` is read and decrypted. Throws
 * `TipAccessError` (`notFound`, `forbidden`: see `evidenceInScope` with openEvidence), the fs
 * error of a missing file, EnvelopeError for an altered one.
 */
export async function openOriginalEvidence(db: Db, kek: Kek, dataDir: string, actor: Actor, tipId: number, evidenceId: number, reason: string, now: Date = new Date()): Promise<OpenedFile> {
  const scope = evidenceInScope(db, actor, tipId, evidenceId, 'openEvidence');
  const { file } = scope;
  appendAudit(
    db,
    {
      userId: actor.id,
      action: 'evidenceOpened',
      tipId: scope.tip.id,
      divisionCode: scope.divisionCode,
      target: `tipEvidence:${file.id}`,
      reason,
      details: { position: file.position, mediaType: file.mediaType, sizeBytes: file.sizeBytes, sha256: file.sha256 },
    },
    now,
  );
  const bytes = await readStoredEvidence(dataDir, dataKeyOf(kek, scope), file.storageName);
  return { bytes, mediaType: file.mediaType, file };
}

/**
 * Opens the PREVIEW of evidence file `evidenceId` (re-encoded, without metadata: what staff see),
 * for `actor` with viewTips on the tip's division; null when the file has no ready preview. Not
 * audited: a preview reveals nothing the tip page does not. Throws like `evidenceInScope`.
 */
export async function openPreview(db: Db, kek: Kek, dataDir: string, actor: Actor, tipId: number, evidenceId: number): Promise<OpenedFile | null> {
  const scope = evidenceInScope(db, actor, tipId, evidenceId, 'viewTips');
  const { file } = scope;
  if (file.previewStatus !== 'ready' || !file.previewStorageName || !file.previewMediaType) return null;
  const bytes = await readStoredEvidence(dataDir, dataKeyOf(kek, scope), file.previewStorageName);
  return { bytes, mediaType: file.previewMediaType, file };
}
