import type { PreviewKind, TipStepId } from '../features/tips/tip-steps.ts';

/**
 * UI text (zh-CN) of the tip form in steps (`fx-tip-form`, the JavaScript version of /report).
 * The field labels, the receipt and the server's messages stay in `./zh-CN.ts` (`t.report`).
 */
export const tipForm = {
  /** step names, by `TipStepId` */
  steps: {
    subject: '被举报对象',
    content: '举报内容',
    evidence: '证据',
    reporter: '举报人与提交',
  } satisfies Record<TipStepId, string>,
  /** `step` and `total` are 1-based counts */
  progress: (step: number, total: number) => `第 ${step} 步，共 ${total} 步`,
  progressLabel: '填写步骤',
  /** accessible name of a done step in the list of steps, which goes back to it */
  backTo: (name: string) => `返回“${name}”（已完成）`,
  next: '下一步',
  prev: '上一步',
  /** announced when a step cannot be left; `n` fields to correct */
  fixErrors: (n: number) => `本步有 ${n} 处需要修改，请按提示修改后再继续。`,
  files: {
    listLabel: '已选择的证据文件',
    none: '尚未选择证据文件（证据为可选项）。',
    addMore: '再次选择文件会加入下面的列表，不会替换已选的文件。',
    kind: { image: '图片', heic: 'HEIC 照片', pdf: 'PDF 文件', video: 'MP4 视频', other: '文件' } satisfies Record<PreviewKind, string>,
    badge: { image: '图片', heic: 'HEIC', pdf: 'PDF', video: 'MP4', other: '文件' } satisfies Record<PreviewKind, string>,
    noThumbnail: '无法预览',
    heicNote: '浏览器无法预览 HEIC，提交后工作人员可查看',
    tooLarge: '超过大小上限',
    unsupportedType: '可能不是支持的类型（支持 JPEG、PNG、WebP、HEIC 照片，MP4 视频和 PDF）',
    refused: '未通过检查',
    remove: '移除',
    /** accessible name of the remove button of the file shown as `name` */
    removeFile: (name: string) => `移除 ${name}`,
    added: (n: number, total: number) => `已添加 ${n} 个文件，共 ${total} 个。`,
    removed: (name: string, total: number) => `已移除 ${name}，还有 ${total} 个文件。`,
    count: (n: number) => `共 ${n} 个文件`,
  },
  summary: {
    title: '将要提交的内容',
    subject: '被举报对象',
    linked: '（已关联登记主体）',
    place: '地点',
    category: '违法类型',
    occurredOn: '发现日期',
    description: '发生了什么',
    evidence: '证据',
    noEvidence: '无',
    reporter: '举报方式',
    reward: '申请奖励',
    yes: '是',
    no: '否',
    notGiven: '未填写',
  },
  sending: '正在提交…',
  network: '网络连接中断，举报没有提交。您填写的内容和选择的文件都已保留，请检查网络后再次点击“提交举报”。',
} as const;
