/**
 * zod with Chinese default messages (zod's own zh-CN locale), so that every validation error a
 * user can see is in Chinese even where a schema gives no message of its own. Import `z` from here.
 */
import { z } from 'zod';

z.config(z.locales.zhCN());

export { z };
