/**
 * The tip form in steps (the JavaScript version of /report, `fx-tip-form`): which field belongs to
 * which step, the form's values as the schema's input, the schema's issues per step, and the
 * helpers of the evidence list (preview kind, size as text, appending files, the file a server
 * refusal names). Pure code, bundled for the browser; the server-rendered form is the same form.
 */
import { EVIDENCE_LIMITS, safeDisplayName } from './evidence.ts';

/**
 * The four steps, in order, each with the form fields (the `name` of the controls, the keys of
 * `tipFormSchema()`) it holds, in the order they appear on the page. Step numbers are 1-based.
 * `submissionToken` (hidden, never shown to the reporter) belongs to the last step, which submits.
 */
export const TIP_STEPS = [
  { id: 'subject', fields: ['workshopId', 'subjectName', 'subjectPlace', 'countyCode'] },
  { id: 'content', fields: ['category', 'description', 'occurredOn'] },
  { id: 'evidence', fields: ['evidence'] },
  { id: 'reporter', fields: ['reporterMode', 'reporterName', 'mobile', 'claimReward', 'idNumber', 'submissionToken'] },
] as const;

/** `subject` | `content` | `evidence` | `reporter`. */
export type TipStepId = (typeof TIP_STEPS)[number]['id'];

/** A field of the tip form (a key of `tipFormSchema()`). */
export type TipFieldName = (typeof TIP_STEPS)[number]['fields'][number];

/** Every field of the tip form, in page order. */
export const TIP_FIELDS: readonly TipFieldName[] = TIP_STEPS.flatMap((s) => s.fields);

/** The 1-based step that holds the field `name`, or null for a name that is not a tip field. */
export function stepOfField(name: string): number | null {
  const i = TIP_STEPS.findIndex((s) => (s.fields as readonly string[]).includes(name));
  return i < 0 ? null : i + 1;
}

/**
 * The field whose control shows the errors of `name`: the hidden `workshopId` (set by picking a
 * workshop from the suggestions) shows its errors at the name field, `subjectName`; every other
 * field at itself.
 */
export function shownFieldOf(name: string): string {
  return name === 'workshopId' ? 'subjectName' : name;
}

/** The fields that show errors in the 1-based `step` (see `shownFieldOf`), in page order, without repeats. */
export function shownFieldsOfStep(step: number): string[] {
  const fields: readonly string[] = TIP_STEPS[step - 1]?.fields ?? [];
  return [...new Set(fields.map(shownFieldOf))];
}

/**
 * The form's values as the input of `tipFormSchema()`, read the way Astro's form parser reads them
 * for the Action (`accept: 'form'`), so that the browser and the server check the same thing:
 * `evidence` is every entry of that name (empty file parts included: the schema drops them); every
 * other field is its first entry, or null when it is missing or the empty string.
 */
export function tipFormInput(data: FormData): Record<TipFieldName, unknown> {
  const input = {} as Record<TipFieldName, unknown>;
  for (const name of TIP_FIELDS) {
    if (name === 'evidence') input[name] = data.getAll(name);
    else input[name] = data.get(name) || null;
  }
  return input;
}

/** One validation issue, as zod reports it (`path[0]` is the field) or Astro's `ActionInputError.issues` carries it. */
export interface FieldIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The first message of each field that has issues, keyed by the field that shows it
 * (`shownFieldOf`), in the order of the issues. With `step` (1-based), only the fields of that step;
 * issues without a field (an empty path) are left out.
 */
export function fieldErrorsOf(issues: readonly FieldIssue[], step?: number): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const name = issue.path[0];
    if (typeof name !== 'string') continue;
    if (step !== undefined && stepOfField(name) !== step) continue;
    const shown = shownFieldOf(name);
    errors[shown] ??= issue.message;
  }
  return errors;
}

/**
 * The same as `fieldErrorsOf`, from the `fields` of an `ActionInputError` (field → messages), as
 * the server returns them for the form it refused.
 */
export function fieldErrorsFromServer(fields: Readonly<Record<string, readonly string[] | undefined>>): Record<string, string> {
  return fieldErrorsOf(Object.entries(fields).flatMap(([name, messages]) => (messages ?? []).map((message) => ({ path: [name], message }))));
}

/** The first (lowest, 1-based) step holding one of the fields `names` (raw or shown names), or null when none does. */
export function firstStepWithError(names: Iterable<string>): number | null {
  let first: number | null = null;
  for (const name of names) {
    const step = stepOfField(name);
    if (step !== null && (first === null || step < first)) first = step;
  }
  return first;
}

/**
 * How a chosen evidence file is previewed in the browser: `image` (JPEG, PNG, WebP: a thumbnail),
 * `heic` (HEIC/HEIF, which browsers mostly cannot show), `pdf`, `video` (MP4) or `other`. Decided
 * from the type the browser gives (`type`, from the name's extension) or, when that is empty, from
 * the extension of `name`: a preview only. The server decides the real type from the bytes.
 */
export type PreviewKind = 'image' | 'heic' | 'pdf' | 'video' | 'other';

/** The `PreviewKind` of a file named `name` whose browser-given media type is `type` ('' when unknown). */
export function previewKindOf(name: string, type: string): PreviewKind {
  const mediaType = type.toLowerCase();
  const ext = /\.([A-Za-z0-9]+)$/u.exec(name)?.[1]?.toLowerCase() ?? '';
  if (mediaType === 'image/jpeg' || mediaType === 'image/png' || mediaType === 'image/webp') return 'image';
  if (mediaType === 'image/heic' || mediaType === 'image/heif') return 'heic';
  if (mediaType === 'application/pdf') return 'pdf';
  if (mediaType === 'video/mp4') return 'video';
  if (mediaType !== '' && mediaType !== 'application/octet-stream') return 'other';
  if (['jpg', 'jpeg', 'png', 'webp'].includes(ext)) return 'image';
  if (ext === 'heic' || ext === 'heif') return 'heic';
  if (ext === 'pdf') return 'pdf';
  if (ext === 'mp4') return 'video';
  return 'other';
}

/**
 * A size in bytes as the form shows it, in the units of `EVIDENCE_LIMITS` (1 MB = 1024 × 1024
 * bytes), rounded: `512 B`, `13 KB`, `2.4 MB`, `20.0 MB`.
 */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** True when `file` is over the size limit of one evidence file (`EVIDENCE_LIMITS.maxBytes`). */
export function isOverSizeLimit(file: { size: number }): boolean {
  return file.size > EVIDENCE_LIMITS.maxBytes;
}

/**
 * The list of evidence files after choosing `added` when `existing` were already chosen: the
 * existing ones, then each added one that is not already in the list (same name, size, type and
 * modification time) and is not an empty file part (no file chosen). Choosing files again adds to
 * the list instead of replacing it.
 */
export function appendFiles(existing: readonly File[], added: readonly File[]): File[] {
  const key = (f: File) => `${f.name}\u0000${f.size}\u0000${f.type}\u0000${f.lastModified}`;
  const seen = new Set(existing.map(key));
  const out = [...existing];
  for (const file of added) {
    if (file.size === 0 && file.name === '') continue;
    const k = key(file);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(file);
  }
  return out;
}

/**
 * The index in `names` of the file a server refusal `message` names (the messages of
 * `EvidenceError` quote the display name: 文件“…”), or -1 when it names none of them.
 */
export function refusedFileIndex(message: string, names: readonly string[]): number {
  return names.findIndex((name) => message.includes(`“${safeDisplayName(name)}”`));
}
