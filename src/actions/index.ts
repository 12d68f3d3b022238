/**
 * Astro Actions (public endpoints under /_actions/...). Each validates its input with the
 * feature's zod schema, calls one feature function and maps known failures to an ActionError.
 */
import { ActionError, defineAction } from 'astro:actions';
import { eq } from 'drizzle-orm';
import { divisions, parties } from '../db/schema.ts';
import { getConfig, getDb, getPreviewQueue, submissions } from '../lib/runtime.server.ts';
import { loadKek, type Kek } from '../features/tips/envelope.server.ts';
import { tipFormSchema, trackSchema } from '../features/tips/tip.ts';
import { findTipByAccess, submitTip, trackTip, trackViewOf } from '../features/tips/tips.server.ts';
import { addReporterMessage } from '../features/tips/messages.server.ts';
import { spendTipProof, verifyTipProof } from '../features/tips/proof-of-work.server.ts';
import { z } from '../lib/zod.ts';
import { dropKeptUpload, keptUpload, takeParsedUpload, UPLOAD_HEADER } from '../lib/parsed-uploads.ts';
import type { EvidenceUpload } from '../features/tips/evidence.server.ts';
import { TIP_RATE_LIMIT } from '../features/tips/abuse.ts';
import { EVIDENCE_LIMITS, EvidenceError } from '../features/tips/evidence.ts';
import { clearTrackFailures, clientKey, recordTrackFailure, releaseRateLimit, takeRateLimit, trackLockedUntil } from '../features/tips/abuse.server.ts';
import { staff } from './staff.ts';
import { staffTips } from './staff-tips.ts';
import { imports, publishing } from './publishing.ts';

/** The client's address, when the adapter knows it (never stored: only an HMAC of it). */
function clientAddressOf(context: { clientAddress: string }): string | null {
  try {
    return context.clientAddress || null;
  } catch {
    return null;
  }
}

/**
 * The evidence files of a tip form: those the site's server parsed from the upload stream
 * (src/lib/parsed-uploads.ts; field `evidence`, empty "no file chosen" parts dropped), or else the
 * form's own File objects (another way of serving the build). With `checked` (the default) more
 * than 10 files is refused like the schema refuses them (ActionError BAD_REQUEST, shown at the
 * evidence field); each file's 20 MiB was enforced while streaming.
 */
async function evidenceOf(request: Request, formFiles: File[] | undefined, options: { checked?: boolean } = {}): Promise<EvidenceUpload[]> {
  const parsed = takeParsedUpload(request.headers.get(UPLOAD_HEADER));
  const files = parsed
    ? parsed.filter((f) => f.field === 'evidence' && (f.bytes.byteLength > 0 || f.name !== '')).map((f) => ({ bytes: f.bytes, originalName: f.name }))
    : await Promise.all((formFiles ?? []).map(async (f) => ({ bytes: new Uint8Array(await f.arrayBuffer()), originalName: f.name })));
  if ((options.checked ?? true) && files.length > EVIDENCE_LIMITS.maxFiles) {
    throw new ActionError({ code: 'BAD_REQUEST', message: `最多上传${EVIDENCE_LIMITS.maxFiles}个证据文件，您选择了${files.length}个` });
  }
  return files;
}

/** Whose wrong access codes these are: an HMAC of the client address (never the address), or 'track:unknown'. */
function trackClientOf(kek: Kek, context: { clientAddress: string }): string {
  const address = clientAddressOf(context);
  return address ? clientKey(kek, 'track', address) : 'track:unknown';
}

function lockedMessage(until: string): string {
  const time = new Date(until).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
  return `查询码错误次数过多，已暂停查询，请在 ${time} 后再试。`;
}

export const server = {
  tips: {
    /** Files a tip; returns the receipt no. and the one-time access code (rendered, never stored in a cookie). */
    submit: defineAction({
      accept: 'form',
      input: tipFormSchema({
        isCounty: (code) => getDb().select({ level: divisions.level }).from(divisions).where(eq(divisions.code, code)).get()?.level === 'county',
        partyExists: (id) => getDb().select({ id: parties.id }).from(parties).where(eq(parties.id, id)).get() !== undefined,
      }).safeExtend({
        // the proof-of-work widget's answer (src/features/tips/proof-of-work.server.ts); absent without JavaScript
        altcha: z.string().nullish(),
        // checked when the files kept from a refused attempt are not to be sent (src/lib/parsed-uploads.ts)
        discardKept: z.string().nullish(),
      }),
      // counted as busy: the preview queue waits while tips are being filed
      handler: (input, context) => submissions.during(async () => {
        const config = getConfig();
        const kek = loadKek(config.TIP_KEK, config.dataDir);
        const address = clientAddressOf(context);
        const limitKey = address ? clientKey(kek, 'tip', address) : null;
        // taken now (atomic), given back below unless a tip is stored: concurrent submissions cannot all pass
        if (limitKey) {
          const limit = takeRateLimit(getDb(), limitKey, config.TIP_RATE_LIMIT, TIP_RATE_LIMIT.windowMs);
          if (!limit.allowed) {
            throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: `提交过于频繁：同一网络每小时最多提交${config.TIP_RATE_LIMIT}份举报，请约${Math.ceil(limit.retryAfterSec / 60)}分钟后再试。您填写的内容已保留。` });
          }
        }
        let stored = false;
        try {
          let files = await evidenceOf(context.request, input.evidence);
          // no file chosen this time: the files kept from the refused attempt of this form, unless discarded
          if (files.length === 0 && input.discardKept !== 'on') files = keptUpload(input.submissionToken).map((f) => ({ bytes: f.bytes, originalName: f.name }));
          if (input.discardKept === 'on') dropKeptUpload(input.submissionToken);
          // not solved (no JavaScript, expired…): stored all the same, flagged for staff
          const proof = await verifyTipProof(kek, input.altcha);
          const result = await submitTip(getDb(), kek, input, new Date(), { dataDir: config.dataDir, files }, { proofOfWork: proof.kind === 'verified' });
          if (proof.kind === 'verified' && result.kind === 'created') spendTipProof(proof.nonce);
          dropKeptUpload(input.submissionToken);
          stored = result.kind === 'created';
          // previews are made after the receipt (src/features/tips/previews.server.ts)
          if (files.length > 0) getPreviewQueue().kick();
          return result;
        } catch (e) {
          // a refused file is not kept: the reporter chooses the files again
          if (e instanceof EvidenceError) {
            dropKeptUpload(input.submissionToken);
            throw new ActionError({ code: 'BAD_REQUEST', message: e.message });
          }
          throw e;
        } finally {
          // only a stored tip uses up the hour
          if (limitKey && !stored) releaseRateLimit(getDb(), limitKey);
        }
      }),
    }),
    /** Looks a tip up by receipt no. and access code. */
    track: defineAction({
      accept: 'form',
      input: trackSchema,
      handler: async (input, context) => {
        const db = getDb();
        const config = getConfig();
        const kek = loadKek(config.TIP_KEK, config.dataDir);
        const client = trackClientOf(kek, context);
        const locked = trackLockedUntil(db, input.receiptNo, client);
        if (locked) throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: lockedMessage(locked) });
        // counted as a failure before the code is checked, so that guesses sent at once meet the lock
        const failure = recordTrackFailure(db, input.receiptNo, client);
        const view = await trackTip(db, input.receiptNo, input.accessCode, kek);
        if (!view) {
          if (failure.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
          if (failure.lockedUntil) throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: lockedMessage(failure.lockedUntil) });
          throw new ActionError({ code: 'NOT_FOUND', message: '受理编号或查询码不正确。' });
        }
        clearTrackFailures(db, input.receiptNo, client);
        return view;
      },
    }),
    /**
     * Adds information (text and evidence files) from the reporter to a tip, checked by receipt no.
     * and access code like `track` (same lock and slowdown). Returns the refreshed view; a bad text
     * or refused files come back as `problem` with the view, so the page can show the field error.
     */
    message: defineAction({
      accept: 'form',
      input: trackSchema.extend({
        // checked in the handler, after the access code, so that the view can be shown with the error
        text: z.string().nullish().transform((v) => (v ?? '').slice(0, 20_000)),
        // `.optional()` outermost so that Astro's form parser reads every file of the field
        evidence: z
          .array(z.instanceof(File))
          .transform((files) => files.filter((f) => f.size > 0 || f.name !== ''))
          .optional(),
      }),
      handler: async (input, context) => {
        const config = getConfig();
        const db = getDb();
        const kek = loadKek(config.TIP_KEK, config.dataDir);
        const client = trackClientOf(kek, context);
        const locked = trackLockedUntil(db, input.receiptNo, client);
        if (locked) throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: lockedMessage(locked) });
        // counted as a failure before the code is checked, so that guesses sent at once meet the lock
        const failure = recordTrackFailure(db, input.receiptNo, client);
        const uploads = await evidenceOf(context.request, input.evidence, { checked: false });
        const tooBig = uploads.find((f) => f.bytes.byteLength > EVIDENCE_LIMITS.maxBytes);
        const refusedFiles = tooBig ? new EvidenceError('tooLarge', tooBig.originalName).message : uploads.length > EVIDENCE_LIMITS.maxFiles ? new EvidenceError('tooMany').message : null;
        // files refused before reading them: the code is still checked (and a failure recorded), nothing is stored
        const result = refusedFiles
          ? await findTipByAccess(db, input.receiptNo, input.accessCode).then((tip) => tip && { kind: 'refused' as const, tip, field: 'evidence' as const, message: refusedFiles })
          : await addReporterMessage(db, kek, {
              receiptNo: input.receiptNo,
              accessCode: input.accessCode,
              text: input.text,
              files: uploads,
              dataDir: config.dataDir,
            });
        if (!result) {
          if (failure.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
          if (failure.lockedUntil) throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: lockedMessage(failure.lockedUntil) });
          throw new ActionError({ code: 'NOT_FOUND', message: '受理编号或查询码不正确。' });
        }
        clearTrackFailures(db, input.receiptNo, client);
        if (uploads.length > 0) getPreviewQueue().kick();
        const view = await trackViewOf(db, result.tip, kek);
        if (result.kind === 'refused') return { view, problem: { field: result.field, message: result.message } };
        return { view, problem: null };
      },
    }),
  },
  staff,
  imports,
  publishing,
  staffTips,
};
