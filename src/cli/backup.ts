/**
 * `npm run backup -- DEST`: a consistent copy of the site in DATA_DIR while it serves — the
 * database (SQLite backup API), the sealed evidence files it refers to, the key files unless
 * TIP_KEK is set — with `DEST/manifest.json` (date, counts, SHA-256 of each file, schema version).
 * See src/features/backup/backup.server.ts.
 *
 * Exit codes: 0 done; 1 refused (DEST not empty, no database, evidence missing); 2 usage.
 */
import { parseArgs } from 'node:util';
import { BackupError } from '../features/backup/backup.ts';
import { createBackup } from '../features/backup/backup.server.ts';
import { backupText as t } from '../i18n/backup.zh-CN.ts';
import { loadConfig } from '../config.ts';
import { progressLogger } from './progress.ts';

let dest: string | undefined;
try {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  dest = positionals.length === 1 ? positionals[0] : undefined;
} catch {
  dest = undefined;
}
if (!dest) {
  console.error(t.usageBackup);
  process.exit(2);
}

const config = loadConfig();
try {
  const manifest = await createBackup({ dataDir: config.dataDir, tipKek: config.TIP_KEK, dest, onProgress: progressLogger() });
  console.log(t.backupDone(dest, manifest));
  console.log(t.keyInBackup(manifest));
} catch (e) {
  if (!(e instanceof BackupError)) throw e;
  console.error(t.error(e));
  process.exit(1);
}
