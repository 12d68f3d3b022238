/**
 * The pure rules of backups (src/features/backup/backup.ts): which paths a manifest may name (a
 * restore never writes outside DATA_DIR), and what a restored site needs for its tip key.
 */
import { describe, expect, it } from 'vitest';
import { backupPathSchema, keyAdvice, type BackupManifest, type KeyAdvice } from '../../src/features/backup/backup.ts';

describe('paths a manifest may name', () => {
  it.each([
    ['the database', 'fangxin.db', true],
    ['a sealed evidence file under its generated name', 'evidence/0123456789abcdef0123456789abcdef.bin', true],
    ['the generated key', 'keys/tip-kek', true],
    ['the key kept after a rotation', 'keys/tip-kek.previous', true],
    ['a parent folder', '../fangxin.db', false],
    ['a way out through the evidence folder', 'evidence/../../etc/passwd', false],
    ['an absolute path', '/etc/passwd', false],
    ['an evidence name that was not generated', 'evidence/photo.jpg', false],
    ['a hidden key file', 'keys/.tip-kek', false],
    ['a key in a subfolder', 'keys/a/b', false],
    ['the Meilisearch master key (not backed up)', 'meili/master.key', false],
  ])('%s: %s → %s', (_rule, p, ok) => {
    expect(backupPathSchema.safeParse(p).success).toBe(ok);
  });
});

describe('the key a restored site needs', () => {
  const A = 'aaaaaaaaaaaaaaaa';
  const B = 'bbbbbbbbbbbbbbbb';
  const key = (source: BackupManifest['key']['source'], kekId: string | null): BackupManifest['key'] => ({ source, kekId, tipKeyIds: kekId ? [kekId] : [] });
  it.each<[string, BackupManifest['key'], string | null, KeyAdvice]>([
    ['no tip was ever sealed: nothing to need', key('none', null), null, 'noKeyYet'],
    ['the generated key came with the backup', key('dataDir', A), null, 'restoredFromBackup'],
    ['TIP_KEK is the same key as the one in the backup', key('dataDir', A), A, 'restoredFromBackup'],
    ['TIP_KEK is another key: the site prefers it and cannot open the tips', key('dataDir', A), B, 'envOverridesBackup'],
    ['the key stayed out of the backup and TIP_KEK is unset', key('environment', A), null, 'setTipKek'],
    ['the key stayed out and TIP_KEK is that key', key('environment', A), A, 'tipKekMatches'],
    ['the key stayed out and TIP_KEK is another key', key('environment', A), B, 'tipKekDiffers'],
  ])('%s', (_rule, k, env, advice) => {
    expect(keyAdvice(k, env)).toBe(advice);
  });
});
