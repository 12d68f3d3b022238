import type { BackupError, BackupManifest, BackupProgress, FileProblem, KeyAdvice } from '../features/backup/backup.ts';

/** Bytes as `12.3 MiB` (binary units). */
function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

const PROBLEM = {
  missing: '缺失',
  notFile: '不是普通文件',
  size: '大小与清单不符',
  checksum: 'SHA-256 与清单不符',
  unreadable: '数据库无法读取',
  notInBackup: '数据库引用了它，但备份中没有',
  changed: '恢复时读到的内容与刚才校验的不同',
} satisfies Record<FileProblem, string>;

/** At most ten `path（problem）` lines, then how many more. */
function fileList(files: BackupError['files']): string {
  const shown = files.slice(0, 10).map((f) => `  ${f.path}（${PROBLEM[f.problem]}）`);
  if (files.length > 10) shown.push(`  ……另有 ${files.length - 10} 个`);
  return shown.join('\n');
}

const PRODUCTION_KEYS = '生产环境请用 TIP_KEK（来自密钥管理系统）提供密钥，让密钥和数据分开保存：同时拿到数据备份和密钥的人能读出全部举报人身份、留言和证据。';

/**
 * Text (zh-CN) of `npm run backup` and `npm run restore` (src/cli/backup.ts, restore.ts): usage,
 * progress, refusals and what to do with the key. The rules behind them are in
 * src/features/backup/backup.server.ts.
 */
export const backupText = {
  size,
  usageBackup: '用法：npm run backup -- 目标目录（目录须不存在或为空；DATA_DIR 指向要备份的站点数据）',
  usageRestore: '用法：npm run restore -- 备份目录（DATA_DIR 须不存在或为空，且该站点没有在运行）',
  progress(p: BackupProgress): string {
    const bytes = p.totalBytes ? `，${size(p.bytes ?? 0)} / ${size(p.totalBytes)}` : '';
    if (p.phase === 'database') return p.restarted ? `数据库：站点在复制期间写入了数据，其余部分一次复制完` : `数据库：已复制 ${p.done} / ${p.total} 页`;
    if (p.phase === 'files') return `证据文件：已复制 ${p.done} / ${p.total} 个${bytes}`;
    if (p.phase === 'verify') return `校验备份：已核对 ${p.done} / ${p.total} 个文件${bytes}`;
    return `恢复：已写入 ${p.done} / ${p.total} 个文件${bytes}`;
  },
  error(e: BackupError): string {
    switch (e.code) {
      case 'noDatabase':
        return `找不到要备份的数据库（${e.detail}）：请检查 DATA_DIR。`;
      case 'destNotEmpty':
        return `目标目录 ${e.detail} 不是空的：备份只写入新目录或空目录，以免与其他文件混在一起。请换一个新目录。`;
      case 'destNotDirectory':
        return `目标 ${e.detail} 已存在，且不是目录。请换一个新目录。`;
      case 'destInsideDataDir':
        return `目标目录 ${e.detail} 在 DATA_DIR 之内：备份须放在数据目录之外，最好在另一台机器或另一块存储上。`;
      case 'missingEvidence':
        return `数据库引用的 ${e.files.length} 个证据文件在 DATA_DIR/evidence 中找不到：\n${fileList(e.files)}\n备份没有完成（${e.detail} 中没有 manifest.json，请删除该目录）。请先查明这些文件为何缺失。`;
      case 'siteRunning':
        return `站点正在运行（进程 ${e.pid ?? '?'} 持有 ${e.detail}/site.lock）：恢复不会覆盖运行中站点的数据。请先停止站点，或恢复到另一个空的 DATA_DIR。`;
      case 'dataDirNotEmpty':
        return `DATA_DIR（${e.detail}）不是空目录：恢复只写入不存在或为空的 DATA_DIR，不覆盖已有数据。请换一个新的 DATA_DIR，或先把现有目录移走。`;
      case 'noManifest':
        return `${e.detail} 中没有 manifest.json：这不是一份完整的备份（备份中途失败时不写清单）。未写入任何内容。`;
      case 'badManifest':
        return `manifest.json 无法解读（${e.detail}）：备份已损坏。未写入任何内容。`;
      case 'damaged':
        return `备份已损坏，未写入任何内容：\n${fileList(e.files)}\n请改用另一份备份。`;
      case 'newerSchema':
        return `这份备份来自更新版本的坊信（数据库迁移 ${e.detail} 本程序不认识）：请用同一版本或更新版本恢复。`;
    }
  },
  backupDone(dest: string, m: BackupManifest): string {
    return `备份完成：${dest}\n  数据库结构 ${m.schema.latest ?? '（空）'}，举报 ${m.counts.tips} 件，证据记录 ${m.counts.evidenceRows} 条，证据文件 ${m.counts.evidenceFiles} 个，密钥文件 ${m.counts.keyFiles} 个，共 ${size(m.counts.bytes)}\n  清单（含每个文件的 SHA-256）：${dest}/manifest.json\n数据库中的举报正文、工作人员账户和审计日志不加密：无论密钥在不在备份中，备份都须限制访问。`;
  },
  /** what the backup holds of the key, by `key.source` */
  keyInBackup(m: BackupManifest): string {
    if (m.key.source === 'dataDir') {
      return `注意：这份备份含有举报加密密钥（keys/tip-kek，编号 ${m.key.kekId ?? ''}），持有它的人能解密全部举报。请加密保存、限制访问，并把备份存放到本机之外。\n${PRODUCTION_KEYS}`;
    }
    if (m.key.source === 'environment') {
      return `注意：TIP_KEK 由环境变量提供，这份备份不含该密钥（编号 ${m.key.kekId ?? ''}）。没有它，备份中的举报人身份、举报留言、证据文件和工作人员两步验证密钥都无法解密：请把这把密钥另行保管在密钥管理系统中，不要与数据备份放在一起；恢复后的站点须设置同一个 TIP_KEK。`;
    }
    return '这份备份中还没有举报加密密钥：站点尚未加密过任何举报。';
  },
  restoreDone(dataDir: string, m: BackupManifest): string {
    return `已恢复到 ${dataDir}：备份时间 ${m.createdAt}，数据库结构 ${m.schema.latest ?? '（空）'}，举报 ${m.counts.tips} 件，证据文件 ${m.counts.evidenceFiles} 个。\n  运行 npm start 启动站点：数据库迁移会自动执行，搜索索引会从数据库重建。`;
  },
  keyAfterRestore(advice: KeyAdvice, m: BackupManifest, envKekId: string | null): string {
    const id = m.key.kekId ?? '';
    switch (advice) {
      case 'noKeyYet':
        return '备份中没有需要解密的举报，无需密钥。';
      case 'restoredFromBackup':
        return `举报加密密钥（编号 ${id}）已随备份恢复到 DATA_DIR/keys/tip-kek。\n${PRODUCTION_KEYS}`;
      case 'envOverridesBackup':
        return `警告：备份中的密钥（编号 ${id}）已恢复到 DATA_DIR/keys/tip-kek，但当前设置的 TIP_KEK 是另一把密钥（编号 ${envKekId ?? ''}）。站点优先使用 TIP_KEK，将无法解密恢复的举报：请取消 TIP_KEK，或把它设为编号 ${id} 的密钥。`;
      case 'setTipKek':
        return `这份备份不含举报加密密钥：启动站点前须把 TIP_KEK 设为备份时使用的那把密钥（编号 ${id}，即其 SHA-256 的前 16 位十六进制）。没有它，举报人身份、留言、证据文件和两步验证密钥都无法解密。`;
      case 'tipKekMatches':
        return `当前 TIP_KEK（编号 ${id}）正是备份所需的密钥。`;
      case 'tipKekDiffers':
        return `警告：当前 TIP_KEK 的编号是 ${envKekId ?? ''}，而这份备份需要编号 ${id} 的密钥：用当前密钥无法解密恢复的举报。启动站点前请把 TIP_KEK 设为编号 ${id} 的密钥。`;
    }
  },
};
