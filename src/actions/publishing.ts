/**
 * Astro Actions of the back office's publishing screens (issue #5 points 5 and 6), posted by the
 * forms of /admin/import, /admin/exposures, /admin/honors and /admin/replies:
 * - `imports.*`: upload an official table (CSV/XLSX) into a server-side preview, decide rows,
 *   correct cells, commit (one transaction, then the search index in batches), discard;
 * - `publishing.*`: create/edit/withdraw exposures and honors, record and decide replies.
 * Each checks the session and asks src/features/staff/authz.ts on the server (`runImport`,
 * `publishExposure`, `publishHonor`, `decideReply`, inside the actor's jurisdiction). Field problems
 * come back as `{ ok: false, fields }`; refusals as ActionError (UNAUTHORIZED, FORBIDDEN,
 * NOT_FOUND, CONFLICT). A bad upload is a field error, never a server error.
 */
import { ActionError, defineAction } from 'astro:actions';
import { z } from '../lib/zod.ts';
import { getConfig, getDb, getSearchClient } from '../lib/runtime.server.ts';
import { todayInShanghai } from '../lib/dates.ts';
import { pub as t } from '../i18n/admin-publishing.zh-CN.ts';
import { admin as adminText } from '../i18n/admin.zh-CN.ts';
import { currentStaff, type RequestContext } from '../features/staff/request.server.ts';
import type { StaffContext } from '../features/staff/sessions.server.ts';
import { RULES, type StaffAction } from '../features/staff/authz.ts';
import { announcementSchema, LayoutError } from '../features/imports/official.ts';
import { readTableFile } from '../features/imports/tables.ts';
import { UPLOAD_LIMITS } from '../features/imports/upload.ts';
import { planImport, type RowDecision } from '../features/imports/import.server.ts';
import { correctRow, createPreview, decisionsOf, deletePreview, ImportBlockedError, loadPreview, parsedOf, savePreview, startCommit } from '../features/imports/previews.server.ts';
import { exposureFormSchema, honorFormSchema, replyDecisionSchema, replyFormSchema, withdrawSchema } from '../features/publishing/publishing.ts';
import {
  decideReply,
  PublishingError,
  recordReply,
  refreshSearch,
  saveExposure,
  saveHonor,
  withdrawExposure,
  withdrawHonor,
} from '../features/publishing/publishing.server.ts';

/** The signed-in user allowed `action` somewhere, else UNAUTHORIZED / FORBIDDEN. */
function requireStaffFor(context: RequestContext, action: StaffAction): StaffContext {
  const staff = currentStaff(context);
  if (!staff) throw new ActionError({ code: 'UNAUTHORIZED', message: adminText.errors.unauthorized });
  if (staff.user.mustChangePassword) throw new ActionError({ code: 'FORBIDDEN', message: adminText.account.mustChange });
  if (RULES[action][staff.user.role] === 'none') throw new ActionError({ code: 'FORBIDDEN', message: t.common.forbidden });
  return staff;
}

function mapError(e: unknown): unknown {
  if (e instanceof PublishingError) return new ActionError({ code: e.code === 'notFound' ? 'NOT_FOUND' : 'FORBIDDEN', message: e.message });
  return e;
}

// Astro's form parser sends `null` for an empty field
const field = () =>
  z
    .string()
    .nullish()
    .transform((v) => (v ?? '').trim());

const previewId = field().refine((v) => /^[0-9a-f]{24}$/u.test(v), t.preview.expired);
const rowNo = field().refine((v) => /^[1-9]\d{0,5}$/u.test(v), t.preview.expired).transform(Number);

/** A file name as text for the page and the audit log: no path, no control characters, at most 100 characters. */
function displayName(name: string): string {
  const base = name.split(/[\\/]/u).pop() ?? '';
  const clean = [...base.normalize('NFC').replace(/[\p{Cc}\p{Cf}]/gu, '')].slice(0, 100).join('');
  return clean || 'upload';
}

function loadOwn(id: string, staff: StaffContext) {
  const preview = loadPreview(getConfig().dataDir, id, staff.user.id);
  if (!preview) throw new ActionError({ code: 'NOT_FOUND', message: t.preview.expired });
  return preview;
}

const uploadSchema = z.object({
  kind: field().refine((v) => v === 'sampling' || v === 'penalties', t.validation.required(t.import.kind)),
  file: z.instanceof(File).nullish(),
  title: field(),
  announcementNo: field(),
  announcementDate: field(),
  authority: field(),
  category: field(),
  sourceUrl: field(),
});

export const imports = {
  /**
   * Reads an uploaded table (type from the bytes, size and row limits, published layout) into a
   * preview kept under DATA_DIR/imports; returns its id. Problems of the file or of the
   * announcement fields: `{ ok: false, fields }`.
   */
  upload: defineAction({
    accept: 'form',
    input: uploadSchema,
    handler: async (input, context) => {
      const staff = requireStaffFor(context, 'runImport');
      const fields: Record<string, string[]> = {};
      const kind = input.kind as 'sampling' | 'penalties';
      const file = input.file && (input.file.size > 0 || input.file.name !== '') ? input.file : null;
      if (!file) fields.file = [t.import.fileRequired];
      else if (file.size > UPLOAD_LIMITS.maxBytes) fields.file = [`文件超过 ${UPLOAD_LIMITS.maxBytes / 1024 / 1024} MB，请分成几个文件导入`];
      let announcement = null;
      if (kind === 'sampling') {
        const parsed = announcementSchema.safeParse({
          title: input.title,
          announcementNo: input.announcementNo || undefined,
          announcementDate: input.announcementDate,
          authority: input.authority,
          category: input.category || undefined,
          sourceUrl: input.sourceUrl || undefined,
        });
        if (parsed.success) announcement = parsed.data;
        else for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= [issue.message];
      }
      if (Object.keys(fields).length > 0 || !file) return { ok: false as const, fields };
      try {
        const read = await readTableFile(kind, new Uint8Array(await file.arrayBuffer()));
        const id = createPreview(getConfig().dataDir, {
          userId: staff.user.id,
          fileName: displayName(file.name),
          fileType: read.fileType,
          kind,
          announcement,
          header: read.table.header,
          records: read.table.records,
        });
        return { ok: true as const, id };
      } catch (e) {
        return { ok: false as const, fields: { file: [e instanceof LayoutError ? e.message : t.import.unreadable] } };
      }
    },
  }),
  /** Records the staff decision for one row (`auto`, `create` [in `countyCode`], `pick` `partyId`, `skip`). */
  decide: defineAction({
    accept: 'form',
    input: z.object({
      id: previewId,
      row: rowNo,
      decision: field().refine((v) => ['auto', 'create', 'pick', 'skip'].includes(v), t.validation.decisionRequired),
      partyId: field().refine((v) => v === '' || /^[1-9]\d{0,15}$/u.test(v.normalize('NFKC')), t.validation.partyNotFound),
      countyCode: field().refine((v) => v === '' || /^\d{6}$/u.test(v), t.validation.countyInvalid),
    }),
    handler: (input, context) => {
      const staff = requireStaffFor(context, 'runImport');
      const preview = loadOwn(input.id, staff);
      if (input.row > preview.records.length) throw new ActionError({ code: 'NOT_FOUND', message: t.preview.expired });
      let decision: RowDecision;
      if (input.decision === 'pick') {
        if (input.partyId === '') return { ok: false as const, fields: { partyId: [t.validation.partyRequired] }, row: input.row };
        decision = { action: 'pick', partyId: Number(input.partyId.normalize('NFKC')) };
      } else if (input.decision === 'create') decision = { action: 'create', countyCode: input.countyCode || null };
      else decision = { action: input.decision as 'auto' | 'skip' };
      if (decision.action === 'auto') delete preview.decisions[String(input.row)];
      else preview.decisions[String(input.row)] = decision;
      savePreview(getConfig().dataDir, preview);
      return { ok: true as const, row: input.row };
    },
  }),
  /** One decision for many rows: create the parties of all undecided rows, or skip all rows in error. */
  decideAll: defineAction({
    accept: 'form',
    input: z.object({ id: previewId, scope: field().refine((v) => v === 'unmatched' || v === 'errors', t.validation.decisionRequired) }),
    handler: (input, context) => {
      const staff = requireStaffFor(context, 'runImport');
      const preview = loadOwn(input.id, staff);
      const plan = planImport(getDb(), preview.kind, parsedOf(preview), { decisions: decisionsOf(preview), actor: staff.actor, announcement: preview.announcement });
      for (const r of plan.rows) {
        if (input.scope === 'unmatched' && r.outcome === 'undecided') preview.decisions[String(r.row)] = { action: 'create', countyCode: null };
        if (input.scope === 'errors' && r.outcome === 'error') preview.decisions[String(r.row)] = { action: 'skip' };
      }
      savePreview(getConfig().dataDir, preview);
      return { ok: true as const, row: null };
    },
  }),
  /** Corrects cells of one row (fields `col-<index>` of the header) and checks the row again. */
  fix: defineAction({
    accept: 'form',
    input: z.object({ id: previewId, row: rowNo }).catchall(z.unknown()),
    handler: (input, context) => {
      const staff = requireStaffFor(context, 'runImport');
      const preview = loadOwn(input.id, staff);
      if (input.row > preview.records.length) throw new ActionError({ code: 'NOT_FOUND', message: t.preview.expired });
      const cells: Record<string, string> = {};
      for (const [key, value] of Object.entries(input)) {
        const m = /^col-(\d{1,3})$/u.exec(key);
        const column = m ? preview.header[Number(m[1])] : undefined;
        if (column !== undefined) cells[column] = typeof value === 'string' ? value : '';
      }
      const errors = correctRow(preview, input.row, cells);
      // a corrected row is written again unless staff excluded it
      if (errors.length === 0 && preview.decisions[String(input.row)]?.action === 'skip') delete preview.decisions[String(input.row)];
      savePreview(getConfig().dataDir, preview);
      return { ok: errors.length === 0, row: input.row, fixed: errors.length === 0 };
    },
  }),
  /**
   * Commits the preview in one transaction (audited), then updates the search index in batches
   * while the page shows progress. `{ ok: false, message }` when rows are still in error or undecided.
   */
  commit: defineAction({
    accept: 'form',
    input: z.object({ id: previewId }),
    handler: (input, context) => {
      const staff = requireStaffFor(context, 'runImport');
      const preview = loadOwn(input.id, staff);
      try {
        const job = startCommit(getDb(), getSearchClient(), getConfig().dataDir, preview, staff.actor, todayInShanghai());
        return { ok: true as const, id: job.id };
      } catch (e) {
        if (e instanceof ImportBlockedError) return { ok: false as const, message: t.preview.notCommitted };
        throw e;
      }
    },
  }),
  /** Removes the preview without writing anything. */
  discard: defineAction({
    accept: 'form',
    input: z.object({ id: previewId }),
    handler: (input, context) => {
      const staff = requireStaffFor(context, 'runImport');
      loadOwn(input.id, staff);
      deletePreview(getConfig().dataDir, input.id);
      return { ok: true as const };
    },
  }),
};

/** Updates the search index after a write; with no party (a black workshop), its fingerprint only, so no full rebuild follows. */
async function indexed(partyIds: number[]): Promise<boolean> {
  return refreshSearch(getDb(), getSearchClient(), partyIds);
}

export const publishing = {
  /** Creates or edits an exposure; the party's search document is updated. */
  saveExposure: defineAction({
    accept: 'form',
    input: exposureFormSchema,
    handler: async (input, context) => {
      const staff = requireStaffFor(context, 'publishExposure');
      try {
        const result = saveExposure(getDb(), staff.actor, input, todayInShanghai());
        if (!result.ok) return result;
        return { ok: true as const, id: result.item.id, name: result.item.subjectName, created: input.id === null, indexed: await indexed(result.partyIds) };
      } catch (e) {
        throw mapError(e);
      }
    },
  }),
  /** Withdraws an exposure from today. */
  withdrawExposure: defineAction({
    accept: 'form',
    input: withdrawSchema,
    handler: async (input, context) => {
      const staff = requireStaffFor(context, 'publishExposure');
      try {
        const result = withdrawExposure(getDb(), staff.actor, input.id, todayInShanghai());
        return { ok: true as const, id: result.item.id, name: result.item.subjectName, indexed: await indexed(result.partyIds) };
      } catch (e) {
        throw mapError(e);
      }
    },
  }),
  /** Creates or edits an honor; the party's search document (its 示范 verdict) is updated. */
  saveHonor: defineAction({
    accept: 'form',
    input: honorFormSchema,
    handler: async (input, context) => {
      const staff = requireStaffFor(context, 'publishHonor');
      try {
        const result = saveHonor(getDb(), staff.actor, input);
        if (!result.ok) return result;
        return { ok: true as const, id: result.item.id, name: result.item.title, created: input.id === null, indexed: await indexed(result.partyIds) };
      } catch (e) {
        throw mapError(e);
      }
    },
  }),
  /** Withdraws an honor from today. */
  withdrawHonor: defineAction({
    accept: 'form',
    input: withdrawSchema,
    handler: async (input, context) => {
      const staff = requireStaffFor(context, 'publishHonor');
      try {
        const result = withdrawHonor(getDb(), staff.actor, input.id, todayInShanghai());
        return { ok: true as const, id: result.item.id, name: result.item.title, indexed: await indexed(result.partyIds) };
      } catch (e) {
        throw mapError(e);
      }
    },
  }),
  /** Records an operator's reply to one of its public records. */
  recordReply: defineAction({
    accept: 'form',
    input: replyFormSchema,
    handler: (input, context) => {
      const staff = requireStaffFor(context, 'decideReply');
      try {
        const result = recordReply(getDb(), staff.actor, input, todayInShanghai());
        return result.ok ? { ok: true as const, id: result.item.id } : result;
      } catch (e) {
        throw mapError(e);
      }
    },
  }),
  /** Decides a reply (upheld / corrected, with a note). */
  decideReply: defineAction({
    accept: 'form',
    input: replyDecisionSchema,
    handler: (input, context) => {
      const staff = requireStaffFor(context, 'decideReply');
      try {
        const result = decideReply(getDb(), staff.actor, input, todayInShanghai());
        return result.ok ? { ok: true as const, id: result.item.id } : result;
      } catch (e) {
        throw mapError(e);
      }
    },
  }),
};
