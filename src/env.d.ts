/** Types of `Astro.locals` (set by src/middleware.ts and the staff actions). */
import type { StaffContext } from './features/staff/sessions.server.ts';

declare global {
  namespace App {
    interface Locals {
      /** the signed-in staff user of a back-office request; null when none; undefined until looked up */
      staff?: StaffContext | null;
    }
  }
}

export {};
