/**
 * `npm run kek:rotate`: rotates the key-encryption key of tips (see features/tips/rotate.server.ts).
 *
 * - With TIP_KEK set (production): pass the new key as TIP_KEK_NEW (32 bytes, base64); every data
 *   key is re-wrapped; then set TIP_KEK to the new key and restart.
 * - Without TIP_KEK (the key generated into DATA_DIR/keys/tip-kek): a new key is generated, the data
 *   keys are re-wrapped, and the file is replaced (the old key is kept as tip-kek.previous until
 *   you delete it). Restart the site afterwards.
 * Stop the site first: a tip filed during the rotation would be wrapped by the old key.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadKek } from '../features/tips/envelope.server.ts';
import { rewrapTipKeys } from '../features/tips/rotate.server.ts';
import { resealTotpSecrets } from '../features/staff/totp.server.ts';
import { log, openData } from './bootstrap.ts';

const { config, db } = openData();
const oldKek = loadKek(config.TIP_KEK, config.dataDir);
const fromFile = !config.TIP_KEK;
const newValue = process.env.TIP_KEK_NEW ?? (fromFile ? randomBytes(32).toString('base64') : undefined);
if (!newValue) {
  console.error('TIP_KEK is set: give the new key as TIP_KEK_NEW (32 bytes, base64).');
  process.exit(2);
}
const newKek = loadKek(newValue, config.dataDir);
const n = rewrapTipKeys(db, oldKek, newKek);
// staff TOTP secrets are sealed under a key derived from the same KEK
const totp = resealTotpSecrets(db, oldKek, newKek);
if (fromFile) {
  const file = path.join(config.dataDir, 'keys', 'tip-kek');
  renameSync(file, `${file}.previous`);
  writeFileSync(file, newValue, { mode: 0o600 });
}
log(`re-wrapped ${n} tip data keys and ${totp} staff TOTP secrets from key ${oldKek.id} to key ${newKek.id}${fromFile ? '; the new key is in DATA_DIR/keys/tip-kek' : '; now set TIP_KEK to TIP_KEK_NEW and restart'}`);
