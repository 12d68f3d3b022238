/**
 * Envelope encryption of a tip's confidential fields: each tip gets a random 256-bit data key; the
 * fields are sealed with AES-256-GCM under it; the data key is sealed under the key-encryption key
 * (KEK). Rotating the KEK re-wraps data keys only. Sealed values are base64 of iv(12) | tag(16) |
 * ciphertext.
 *
 * The KEK comes from TIP_KEK (base64, 32 bytes). Without it, one is generated into
 * `<DATA_DIR>/keys/tip-kek` (mode 600) — fine for one machine, but production should inject it.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A key-encryption key and its id (first 16 hex of its SHA-256). */
export interface Kek {
  id: string;
  key: Buffer;
}

/** Raised when a key is malformed or a sealed value fails authentication. */
export class EnvelopeError extends Error {}

function kekFrom(key: Buffer): Kek {
  if (key.length !== 32) throw new EnvelopeError('TIP_KEK must be 32 bytes, base64-encoded');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** The KEK from `envValue` (base64), else from/into `<dataDir>/keys/tip-kek`. */
export function loadKek(envValue: string | undefined, dataDir: string): Kek {
  if (envValue) return kekFrom(Buffer.from(envValue, 'base64'));
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, 'tip-kek');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return kekFrom(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}

/**
 * Seals bytes with AES-256-GCM under `key`, as the parts iv(12), tag(16), ciphertext… to be
 * written one after the other (a sealed file without another copy of a 20 MB photo).
 */
export function sealParts(key: Buffer, plaintext: Uint8Array): Buffer[] {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = cipher.update(plaintext);
  const last = cipher.final();
  return [iv, cipher.getAuthTag(), body, last];
}

/** Seals bytes with AES-256-GCM under `key`: iv(12) | tag(16) | ciphertext, as one buffer. */
export function sealBytes(key: Buffer, plaintext: Uint8Array): Buffer {
  return Buffer.concat(sealParts(key, plaintext));
}

/** Opens what `sealBytes` made; throws EnvelopeError when it was altered or the key is wrong. */
export function openBytes(key: Buffer, raw: Buffer): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
  } catch {
    throw new EnvelopeError('sealed value could not be opened');
  }
}

/** Seals bytes with AES-256-GCM under `key`, as base64 (database columns). */
export function seal(key: Buffer, plaintext: Buffer): string {
  return sealBytes(key, plaintext).toString('base64');
}

/** Opens a sealed base64 value; throws EnvelopeError when it was altered or the key is wrong. */
export function open(key: Buffer, sealed: string): Buffer {
  return openBytes(key, Buffer.from(sealed, 'base64'));
}

/** Encrypts a JSON value for one tip: `{ ciphertext, wrappedDataKey, keyId }`. */
export function encryptForTip(kek: Kek, value: unknown): { ciphertext: string; wrappedDataKey: string; keyId: string } {
  const dataKey = randomBytes(32);
  return { ciphertext: seal(dataKey, Buffer.from(JSON.stringify(value), 'utf8')), wrappedDataKey: seal(kek.key, dataKey), keyId: kek.id };
}

/** Decrypts what `encryptForTip` produced. */
export function decryptForTip(kek: Kek, sealed: { ciphertext: string; wrappedDataKey: string }): unknown {
  const dataKey = open(kek.key, sealed.wrappedDataKey);
  return JSON.parse(open(dataKey, sealed.ciphertext).toString('utf8'));
}
