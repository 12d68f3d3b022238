/**
 * Tip-offs (有奖举报): the form schema shared by the Astro Action and any JSON caller, the
 * violation categories, and receipt-number / access-code formats. Pure code.
 */
import { z } from '../../lib/zod.ts';
import { addYears, isDay, todayInShanghai } from '../../lib/dates.ts';
import { idNumberProblem, normalizeIdNumber } from './id-number.ts';
import { EVIDENCE_LIMITS, safeDisplayName } from './evidence.ts';

/** Violation categories of the form (DESIGN.md "Tip-offs"). */
export const tipCategories = ['nonFoodSubstances', 'additiveAbuse', 'unlicensed', 'hygiene', 'fakeInferior', 'labelling', 'other'] as const;
export type TipCategory = (typeof tipCategories)[number];

/** Removes invisible format characters (zero-width spaces and joiners, bidi controls: Unicode Cf). */
export function stripInvisible(text: string): string {
  return text.replace(/\p{Cf}/gu, '');
}

/** Length of a text in characters (code points), as a person counts them: 张·𠮷 is 3. */
export function charLength(text: string): number {
  return [...text].length;
}

// Astro's form parser sends `null` for an empty field whose schema is not a top-level optional:
// every text field accepts it as '' so that the field's own Chinese message is shown.
const text = (min: number, max: number, label: string) =>
  z
    .string()
    .nullable()
        .transform((v) => stripInvisible((v ?? '').normalize('NFC')).trim())
    .refine((v) => charLength(v) >= min, `${label}至少需要${min}个字`)
    .refine((v) => charLength(v) <= max, `${label}不能超过${max}个字`);

const optionalText = (max: number, label: string) =>
  z
    .string()
    .nullish()
    .transform((v) => stripInvisible((v ?? '').normalize('NFC')).trim())
    .refine((v) => charLength(v) <= max, `${label}不能超过${max}个字`)
    .transform((v) => (v === '' ? null : v));

/**
 * Normalises a mainland mobile number: full-width digits, spaces, dashes, +86 / 0086 prefixes.
 * Returns the 11 digits, or null when it is not a current mainland mobile number (1[3-9]x…).
 */
export function normalizeMobile(input: string): string | null {
  let v = input.normalize('NFKC').replace(/[\s\-()（）]/gu, '');
  if (v.startsWith('+86')) v = v.slice(3);
  else if (v.startsWith('0086')) v = v.slice(4);
  else if (v.startsWith('86') && v.length === 13) v = v.slice(2);
  return /^1[3-9]\d{9}$/u.test(v) ? v : null;
}

/** What the tip form checks against the database; injected so that the schema stays pure. */
export interface TipFormLookups {
  /** today, `YYYY-MM-DD` in Asia/Shanghai; read at each validation */
  today: () => string;
  /** whether `code` is a county (县级) division of Jiangxi */
  isCounty: (code: string) => boolean;
  /** whether a party with this id exists */
  partyExists: (id: number) => boolean;
}

/**
 * The tip form. The lookups default to "today in Asia/Shanghai" and to accepting any Jiangxi-like
 * county code and party id; the Astro Action passes the database-backed ones.
 */
export function tipFormSchema(lookups: Partial<TipFormLookups> = {}) {
  const today = lookups.today ?? todayInShanghai;
  const isCounty = lookups.isCounty ?? ((code: string) => /^36\d{2}(?!00)\d{2}$/u.test(code));
  const partyExists = lookups.partyExists ?? (() => true);
  return z
    .object({
      // missing or malformed alike: the page was not ours or is too old
      submissionToken: z
        .string()
        .nullish()
        .transform((v) => v ?? '')
        .refine((v) => /^[A-Za-z0-9_-]{16,64}$/u.test(v), '表单已失效，请刷新页面后重新填写'),
      workshopId: z
        .string()
        .nullish()
        .transform((v) => (v ? v.trim() : null))
        .refine((v) => v === null || /^[1-9]\d{0,15}$/u.test(v), '被举报的小作坊编号无效')
        .transform((v) => (v === null ? null : Number(v)))
        .refine((v) => v === null || partyExists(v), '被举报的小作坊不存在，请改为填写名称和地点'),
      subjectName: text(2, 100, '小作坊名称'),
      subjectPlace: optionalText(200, '地点'),
      countyCode: z
        .string()
        .nullish()
        .transform((v) => (v ? v.trim() : null))
        .refine((v) => v === null || isCounty(v), '请从列表中选择江西省内的县（市、区）'),
      category: z.enum(tipCategories, { error: '请选择违法类型' }),
      description: text(10, 2000, '举报内容'),
      occurredOn: z
        .string()
        .nullish()
        .transform((v) => (v ? v.trim() : null))
        .refine((v) => v === null || isDay(v), '请填写有效的日期，格式为 年-月-日，如 2026-11-01')
        .refine((v) => v === null || !isDay(v) || v <= today(), '发现日期不能晚于今天')
        .refine((v) => v === null || !isDay(v) || v >= addYears(today(), -10), '发现日期不能早于十年前'),
      reporterMode: z.enum(['anonymous', 'realName'], { error: '请选择匿名或实名举报' }),
      reporterName: optionalText(30, '姓名'),
      mobile: z
        .string()
        .nullish()
        .transform((v) => (v ?? '').trim()),
      /** checked when a real-name reporter claims a reward: the ID number is then required */
      claimReward: z
        .string()
        .nullish()
        .transform((v) => v === 'on' || v === '1' || v === 'true'),
      idNumber: z
        .string()
        .nullish()
        .transform((v) => (v ? normalizeIdNumber(v) : '')),
      /** evidence files; an empty file part (no file chosen) is dropped. Checked on the server (evidence.server.ts). */
      // `.optional()` outermost and the array innermost: Astro's form parser then reads every file
      // of the field (getAll) instead of the first
      evidence: z
        .array(z.instanceof(File))
        .transform((files) => files.filter((f) => f.size > 0 || f.name !== ''))
        .superRefine((files, ctx) => {
          if (files.length > EVIDENCE_LIMITS.maxFiles) ctx.addIssue({ code: 'custom', message: `最多上传${EVIDENCE_LIMITS.maxFiles}个证据文件，您选择了${files.length}个` });
        })
        .superRefine((files, ctx) => {
          const big = files.find((f) => f.size > EVIDENCE_LIMITS.maxBytes);
          if (big) ctx.addIssue({ code: 'custom', message: `文件“${safeDisplayName(big.name)}”超过${EVIDENCE_LIMITS.maxBytes / 1024 / 1024} MB，请压缩或换一个文件` });
        })
        .optional(),
    })
    .superRefine((v, ctx) => {
      if (v.reporterMode !== 'realName') return;
      if (!v.reporterName || charLength(v.reporterName) < 2) ctx.addIssue({ code: 'custom', path: ['reporterName'], message: '实名举报请填写姓名（至少2个字）' });
      else if (!/^[\p{L}\p{M}·•．.'’\- ]+$/u.test(v.reporterName)) ctx.addIssue({ code: 'custom', path: ['reporterName'], message: '姓名只能包含文字、间隔号“·”、撇号和连字符' });
      if (!v.mobile) ctx.addIssue({ code: 'custom', path: ['mobile'], message: '实名举报请填写手机号码' });
      else if (!normalizeMobile(v.mobile)) ctx.addIssue({ code: 'custom', path: ['mobile'], message: '手机号码应为11位大陆手机号，如 13800138000' });
      if (!v.claimReward) return;
      const problem = v.idNumber ? idNumberProblem(v.idNumber, today()) : 'missing';
      const messages = {
        missing: '申请奖励请填写身份证号码',
        format: '身份证号码应为18位，最后一位可以是X',
        birthDate: '身份证号码中的出生日期无效',
        checkCharacter: '身份证号码校验位不正确，请核对',
      } as const;
      if (problem) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: messages[problem] });
    })
    .superRefine((v, ctx) => {
      if (v.claimReward && v.reporterMode !== 'realName') ctx.addIssue({ code: 'custom', path: ['claimReward'], message: '申请奖励须实名举报' });
    });
}
export type TipForm = z.infer<ReturnType<typeof tipFormSchema>>;

/** Formats a 16-digit receipt number as 4-4-4-4. */
export function formatReceiptNo(receiptNo: string): string {
  return receiptNo.replace(/(\d{4})(?=\d)/gu, '$1-');
}

/** Normalises a typed receipt number (spaces, dashes, full-width digits) to 16 digits, or null. */
export function normalizeReceiptNo(input: string): string | null {
  const v = input.normalize('NFKC').replace(/[\s-]/gu, '');
  return /^\d{16}$/u.test(v) ? v : null;
}

/** Alphabet of access codes: no 0/O, 1/I/L to avoid misreading. */
export const ACCESS_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** Normalises a typed access code (case, spaces, dashes), or null when malformed. */
export function normalizeAccessCode(input: string): string | null {
  const v = input.normalize('NFKC').replace(/[\s-]/gu, '').toUpperCase();
  return new RegExp(`^[${ACCESS_CODE_ALPHABET}]{10}$`, 'u').test(v) ? v : null;
}

/** Formats a 10-character access code as XXXXX-XXXXX. */
export function formatAccessCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Schema of the tracking form. */
export const trackSchema = z.object({
  receiptNo: z.string().nullable().transform((v, ctx) => {
    const n = normalizeReceiptNo((v ?? '').slice(0, 100));
    if (!n) ctx.addIssue({ code: 'custom', message: '受理编号应为16位数字' });
    return n ?? '';
  }),
  accessCode: z.string().nullable().transform((v, ctx) => {
    const n = normalizeAccessCode((v ?? '').slice(0, 100));
    if (!n) ctx.addIssue({ code: 'custom', message: '查询码为10位，由字母和数字组成，不含容易混淆的 0、1、I、L、O' });
    return n ?? '';
  }),
});
