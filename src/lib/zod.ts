/**
 * zod with Chinese default messages (zod's own zh-CN locale), so that every validation error a
 * user can see is in Chinese even where a schema gives no message of its own. Import `z` from here.
 */
import { z } from 'zod';

z.config(z.locales.zhCN());
// In the browser the pages forbid eval (src/lib/security-headers.ts): without this, zod's probe
// for it (`new Function('')`) is reported as a CSP violation wherever a schema parses an object.
if (typeof window !== 'undefined') z.config({ jitless: true });

export { z };
