/**
 * The tip form in steps (src/features/tips/tip-steps.ts): every field of the schema in exactly one
 * step, the form read as Astro reads it, the schema's issues per step, and the evidence list
 * helpers. Files are made here; no personal data.
 */
import { describe, expect, it } from 'vitest';
import { tipFormSchema } from '../../src/features/tips/tip.ts';
import { EVIDENCE_LIMITS } from '../../src/features/tips/evidence.ts';
import {
  TIP_FIELDS,
  TIP_STEPS,
  appendFiles,
  fieldErrorsFromServer,
  fieldErrorsOf,
  firstStepWithError,
  formatFileSize,
  isOverSizeLimit,
  previewKindOf,
  refusedFileIndex,
  shownFieldOf,
  shownFieldsOfStep,
  stepOfField,
  tipFormInput,
} from '../../src/features/tips/tip-steps.ts';

const schema = tipFormSchema({ today: () => '2026-11-29' });
const token = 'abcdefghijklmnop1234';

/** A FormData as the browser builds it from the form: every field present, empty ones as '' and no file chosen as an empty file part. */
function formData(values: Record<string, string>, files: File[] = [new File([], '', { type: 'application/octet-stream' })]): FormData {
  const data = new FormData();
  data.set('submissionToken', token);
  for (const name of ['workshopId', 'subjectName', 'subjectPlace', 'countyCode', 'category', 'description', 'occurredOn', 'reporterMode', 'reporterName', 'mobile', 'idNumber']) {
    data.set(name, values[name] ?? (name === 'reporterMode' ? 'anonymous' : ''));
  }
  if (values.claimReward) data.set('claimReward', values.claimReward);
  for (const f of files) data.append('evidence', f);
  return data;
}

const issuesOf = (data: FormData) => {
  const r = schema.safeParse(tipFormInput(data));
  return r.success ? [] : r.error.issues;
};

const valid = { subjectName: '村口无名米粉作坊', category: 'hygiene', description: '作坊地面有积水，工人未戴口罩。' };

describe('steps', () => {
  it('every field of the schema is in exactly one step, and the steps hold no other', () => {
    const shape = Object.keys(schema.shape).sort();
    expect([...TIP_FIELDS].sort()).toEqual(shape);
    expect(new Set(TIP_FIELDS).size).toBe(TIP_FIELDS.length);
  });
  it('the steps are subject, content, evidence, reporter, in that order', () => expect(TIP_STEPS.map((s) => s.id)).toEqual(['subject', 'content', 'evidence', 'reporter']));
  it.each([
    ['the picked workshop is in the first step', 'workshopId', 1],
    ['the county is in the first step', 'countyCode', 1],
    ['the date is in the second step', 'occurredOn', 2],
    ['the files are the third step', 'evidence', 3],
    ['the ID number is in the last step', 'idNumber', 4],
    ['the submission token is sent with the last step', 'submissionToken', 4],
    ['an unknown name is in no step', 'password', null],
  ])('%s', (_rule, name, step) => expect(stepOfField(name)).toBe(step));
  it("the hidden workshop id shows its errors at the name field", () => {
    expect(shownFieldOf('workshopId')).toBe('subjectName');
    expect(shownFieldOf('mobile')).toBe('mobile');
    expect(shownFieldsOfStep(1)).toEqual(['subjectName', 'subjectPlace', 'countyCode']);
  });
  it('a step out of range has no fields', () => expect(shownFieldsOfStep(9)).toEqual([]));
});

describe('the form read as the schema input', () => {
  it('empty fields are null, as Astro sends them, so that the field’s own Chinese message is shown', () => {
    const input = tipFormInput(formData({}));
    expect(input.subjectName).toBeNull();
    expect(input.claimReward).toBeNull();
    expect(input.reporterMode).toBe('anonymous');
    expect(fieldErrorsOf(issuesOf(formData({})))).toEqual({
      subjectName: '小作坊名称至少需要2个字',
      category: '请选择违法类型',
      description: '举报内容至少需要10个字',
    });
  });
  it('a complete anonymous tip with no file chosen passes', () => expect(issuesOf(formData(valid))).toEqual([]));
  it('every chosen file is read, not only the first', () => {
    const files = Array.from({ length: EVIDENCE_LIMITS.maxFiles + 1 }, (_, i) => new File(['x'], `p${i}.jpg`, { type: 'image/jpeg' }));
    expect(fieldErrorsOf(issuesOf(formData(valid, files)))).toEqual({ evidence: '最多上传10个证据文件，您选择了11个' });
  });
  it('a file over the size limit is named in the same words as on the server', () => {
    const big = new File([new Uint8Array(EVIDENCE_LIMITS.maxBytes + 1)], '大视频.mp4', { type: 'video/mp4' });
    expect(fieldErrorsOf(issuesOf(formData(valid, [big])))).toEqual({ evidence: '文件“大视频.mp4”超过20 MB，请压缩或换一个文件' });
  });
});

describe('errors per step', () => {
  const empty = issuesOf(formData({}));
  it('the first step shows only its own fields', () => expect(fieldErrorsOf(empty, 1)).toEqual({ subjectName: '小作坊名称至少需要2个字' }));
  it('the second step shows only its own fields', () => expect(Object.keys(fieldErrorsOf(empty, 2))).toEqual(['category', 'description']));
  it('a step without problems shows nothing', () => expect(fieldErrorsOf(empty, 3)).toEqual({}));
  it('the real-name checks show in the last step once the others pass', () => {
    const issues = issuesOf(formData({ ...valid, reporterMode: 'realName', mobile: '12345' }));
    expect(fieldErrorsOf(issues, 4)).toEqual({ reporterName: '实名举报请填写姓名（至少2个字）', mobile: '手机号码应为11位大陆手机号，如 13800138000' });
  });
  it('a refused workshop id is shown at the name field, and the first message of a field wins', () => {
    const errors = fieldErrorsOf([
      { path: ['workshopId'], message: '被举报的小作坊不存在，请改为填写名称和地点' },
      { path: ['subjectName'], message: '小作坊名称至少需要2个字' },
    ]);
    expect(errors).toEqual({ subjectName: '被举报的小作坊不存在，请改为填写名称和地点' });
  });
  it('an issue of the whole form (no field) is left out', () => expect(fieldErrorsOf([{ path: [], message: '表单有误' }])).toEqual({}));
  it('the server’s field errors read the same way', () => {
    expect(fieldErrorsFromServer({ mobile: ['实名举报请填写手机号码', '另一条'], category: undefined })).toEqual({ mobile: '实名举报请填写手机号码' });
  });
  it.each([
    ['the lowest step with an error', ['idNumber', 'description'], 2],
    ['the picked workshop counts for the first step', ['workshopId'], 1],
    ['no error', [], null],
    ['only unknown names', ['x'], null],
  ])('first step with an error: %s', (_rule, names, step) => expect(firstStepWithError(names)).toBe(step));
});

describe('evidence list', () => {
  it.each([
    ['a JPEG is shown as a thumbnail', 'a.jpg', 'image/jpeg', 'image'],
    ['a WebP is shown as a thumbnail', 'a.webp', 'image/webp', 'image'],
    ['a PNG without a browser type is known by its extension', 'A.PNG', '', 'image'],
    ['HEIC gets a label, browsers mostly cannot show it', 'IMG_0001.HEIC', '', 'heic'],
    ['HEIF by its type', 'x', 'image/heif', 'heic'],
    ['a PDF gets a label', 'a.pdf', 'application/pdf', 'pdf'],
    ['an MP4 gets a label', 'v.mp4', 'video/mp4', 'video'],
    ['an SVG is not previewed', 'a.svg', 'image/svg+xml', 'other'],
    ['a type the browser gave wins over the extension', 'a.jpg', 'text/plain', 'other'],
    ['no type and no known extension', 'notes', '', 'other'],
  ])('%s', (_rule, name, type, kind) => expect(previewKindOf(name, type)).toBe(kind));

  it.each([
    ['bytes', 512, '512 B'],
    ['kilobytes, rounded', 13 * 1024 + 300, '13 KB'],
    ['exactly one kilobyte', 1024, '1 KB'],
    ['megabytes, one decimal', 2.44 * 1024 * 1024, '2.4 MB'],
    ['the limit reads as the limit', EVIDENCE_LIMITS.maxBytes, '20.0 MB'],
  ])('file size: %s', (_rule, bytes, text) => expect(formatFileSize(bytes)).toBe(text));

  it('a file is over the limit only above 20 MB', () => {
    expect(isOverSizeLimit({ size: EVIDENCE_LIMITS.maxBytes })).toBe(false);
    expect(isOverSizeLimit({ size: EVIDENCE_LIMITS.maxBytes + 1 })).toBe(true);
  });

  it('choosing files again appends them; the same file twice and an empty part are not added', () => {
    const a = new File(['aa'], 'a.jpg', { type: 'image/jpeg', lastModified: 1 });
    const b = new File(['bbb'], 'b.pdf', { type: 'application/pdf', lastModified: 2 });
    const aAgain = new File(['aa'], 'a.jpg', { type: 'image/jpeg', lastModified: 1 });
    const aEdited = new File(['aa'], 'a.jpg', { type: 'image/jpeg', lastModified: 3 });
    const none = new File([], '');
    const out = appendFiles([a], [b, aAgain, none, aEdited]);
    expect(out).toEqual([a, b, aEdited]);
    expect(out[0]).toBe(a);
  });

  it('the refused file is found by the quoted display name in the server message', () => {
    const names = ['现场.png', 'x.jpg', 'x.jpg.pdf'];
    expect(refusedFileIndex('文件“x.jpg”不是可接受的格式。请上传 JPEG、PNG、WebP、HEIC 图片，MP4 视频或 PDF 文件。', names)).toBe(1);
    expect(refusedFileIndex('文件“ab.png”是空文件，请重新选择。', ['a\u202eb.png'])).toBe(0);
    expect(refusedFileIndex('最多只能上传 10 个证据文件，请删减后再提交。', names)).toBe(-1);
  });
});
