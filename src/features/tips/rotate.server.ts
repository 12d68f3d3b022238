/**
 * Rotation of the key-encryption key (KEK) of tips: every tip's data key is unwrapped with the old
 * KEK and wrapped with the new one, in one transaction. The data itself (identity, messages,
 * evidence, all sealed under the data keys) is not touched: envelope encryption lets the wrapping
 * key change without re-encrypting it.
 */
import { eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { tips } from '../../db/schema.ts';
import { EnvelopeError, open, seal, type Kek } from './envelope.server.ts';

/**
 * Re-wraps every tip's data key from `oldKek` to `newKek`; returns how many were re-wrapped. Throws
 * EnvelopeError (and changes nothing) when a data key does not open with `oldKek`.
 */
export function rewrapTipKeys(db: Db, oldKek: Kek, newKek: Kek): number {
  return db.transaction((tx) => {
    const rows = tx.select({ id: tips.id, wrapped: tips.wrappedDataKey, keyId: tips.keyId }).from(tips).where(isNotNull(tips.wrappedDataKey)).all();
    let n = 0;
    for (const row of rows) {
      if (row.keyId === newKek.id) continue;
      if (row.keyId !== oldKek.id) throw new EnvelopeError(`tip ${row.id} is wrapped by key ${row.keyId ?? '?'}, not by the current key`);
      const dataKey = open(oldKek.key, row.wrapped ?? '');
      tx.update(tips).set({ wrappedDataKey: seal(newKek.key, dataKey), keyId: newKek.id }).where(eq(tips.id, row.id)).run();
      n++;
    }
    return n;
  });
}
