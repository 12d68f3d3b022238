/**
 * `npm run restore -- SRC`: restores the backup in SRC (made by `npm run backup`) into DATA_DIR,
 * which must be absent or empty and whose site must not be running. Every file is checked against
 * the manifest before anything is written; a damaged backup is refused. Then says which tip key
 * the restored site needs. See src/features/backup/backup.server.ts.
 *
 * Exit codes: 0 restored; 1 refused (site running, DATA_DIR not empty, backup damaged); 2 usage.
 */
import { parseArgs } from 'node:util';
import { BackupError, keyAdvice } from '../features/backup/backup.ts';
import { restoreBackup } from '../features/backup/backup.server.ts';
import { loadKek } from '../features/tips/envelope.server.ts';
import { backupText as t } from '../i18n/backup.zh-CN.ts';
import { loadConfig } from '../config.ts';
import { progressLogger } from './progress.ts';

let src: string | undefined;
try {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  src = positionals.length === 1 ? positionals[0] : undefined;
} catch {
  src = undefined;
}
if (!src) {
  console.error(t.usageRestore);
  process.exit(2);
}

const config = loadConfig();
// TIP_KEK is read from the environment only: loadKek with a value never touches DATA_DIR
const envKekId = config.TIP_KEK ? loadKek(config.TIP_KEK, config.dataDir).id : null;
try {
  const manifest = await restoreBackup({ src, dataDir: config.dataDir, onProgress: progressLogger() });
  console.log(t.restoreDone(config.dataDir, manifest));
  console.log(t.keyAfterRestore(keyAdvice(manifest.key, envKekId), manifest, envKekId));
} catch (e) {
  if (!(e instanceof BackupError)) throw e;
  console.error(t.error(e));
  process.exit(1);
}
