/**
 * TOTP of staff accounts (RFC 6238 with `otpauth`; settings in ./staff.ts `TOTP_SETTINGS`) and the
 * sealing of the secrets at rest: AES-256-GCM (../tips/envelope.server.ts `seal`) under a key
 * derived with HKDF-SHA256 from the key-encryption key (TIP_KEK or DATA_DIR/keys/tip-kek), so the
 * KEK itself is used for one purpose only. `npm run kek:rotate` re-seals them (`resealTotpSecrets`).
 */
import { hkdfSync } from 'node:crypto';
import { eq, isNotNull, or } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Db } from '../../db/client.ts';
import { staffUsers } from '../../db/schema.ts';
import { EnvelopeError, open, seal, type Kek } from '../tips/envelope.server.ts';
import { acceptedStep, TOTP_ISSUER, TOTP_SETTINGS } from './staff.ts';

function sealingKey(kek: Kek): Buffer {
  return Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), 'fangxin/staff/totp-secret/v1', 32));
}

/** A new random secret (160 bits, RFC 4226 §4), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** Seals a base32 secret for storage. */
export function sealTotpSecret(kek: Kek, base32: string): string {
  return seal(sealingKey(kek), Buffer.from(base32, 'utf8'));
}

/** Opens a sealed secret; throws EnvelopeError when it was altered or sealed under another key. */
export function openTotpSecret(kek: Kek, sealed: string): string {
  return open(sealingKey(kek), sealed).toString('utf8');
}

function totpOf(base32: string, username: string): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label: username, algorithm: TOTP_SETTINGS.algorithm, digits: TOTP_SETTINGS.digits, period: TOTP_SETTINGS.period, secret: Secret.fromBase32(base32) });
}

/**
 * The time step of `code` when it is valid for `base32` at `now` (±1 step) and later than
 * `lastStep`; null otherwise (wrong, or already used).
 */
export function checkTotpCode(base32: string, code: string, now: Date, lastStep: number | null): number | null {
  const delta = totpOf(base32, 'x').validate({ token: code, timestamp: now.getTime(), window: TOTP_SETTINGS.window });
  return acceptedStep(delta, now, lastStep);
}

/** The `otpauth://` URI an authenticator app scans. */
export function totpUri(base32: string, username: string): string {
  return totpOf(base32, username).toString();
}

/** The URI as a QR code, an SVG document (rendered on the server; shown as an image). */
export function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * Re-seals every TOTP secret (active and pending) from `oldKek` to `newKek` in one transaction;
 * returns how many accounts were re-sealed. Throws EnvelopeError (changing nothing) when one is
 * sealed under neither key.
 */
export function resealTotpSecrets(db: Db, oldKek: Kek, newKek: Kek): number {
  return db.transaction((tx) => {
    const rows = tx
      .select({ id: staffUsers.id, secret: staffUsers.totpSecretSealed, pending: staffUsers.totpPendingSealed, keyId: staffUsers.totpKeyId })
      .from(staffUsers)
      .where(or(isNotNull(staffUsers.totpSecretSealed), isNotNull(staffUsers.totpPendingSealed)))
      .all();
    let n = 0;
    for (const row of rows) {
      if (row.keyId === newKek.id) continue;
      if (row.keyId !== oldKek.id) throw new EnvelopeError(`the TOTP secret of staff user ${row.id} is sealed by key ${row.keyId ?? '?'}, not by the current key`);
      const reseal = (sealed: string | null) => (sealed === null ? null : sealTotpSecret(newKek, openTotpSecret(oldKek, sealed)));
      tx.update(staffUsers)
        .set({ totpSecretSealed: reseal(row.secret), totpPendingSealed: reseal(row.pending), totpKeyId: newKek.id })
        .where(eq(staffUsers.id, row.id))
        .run();
      n++;
    }
    return n;
  });
}
