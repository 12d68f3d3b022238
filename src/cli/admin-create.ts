/**
 * `npm run admin:create -- --username NAME --name 姓名`: creates the first provincial administrator
 * (省级管理员, bound to 江西省 360000) of the back office; the others are created by administrators
 * in /admin/users. The password is never a command-line argument (it would stay in the shell
 * history and the process list): it is asked twice on a terminal without echo, or read as the first
 * line of standard input when piped (`printf '%s\n' "$PW" | npm run admin:create -- …`).
 *
 * Exit codes: 0 created; 1 refused because a provincial administrator exists; 2 bad input.
 * An empty database is seeded first, like a first `npm start` (the divisions are needed).
 */
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { staffUsers } from '../db/schema.ts';
import { createFirstAdmin, StaffError } from '../features/staff/accounts.server.ts';
import { firstAdminSchema } from '../features/staff/staff.ts';
import { seedIfEmpty } from '../features/imports/import.server.ts';
import { admin as t } from '../i18n/admin.zh-CN.ts';
import { todayInShanghai } from '../lib/dates.ts';
import { log, openData } from './bootstrap.ts';

/** Reads one line from the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    function onData(chunk: string): void {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new Error('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    }
    stdin.on('data', onData);
  });
}

/** The first line of piped standard input. */
async function firstLineOfStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    text += chunk as string;
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/u)[0] ?? '';
}

async function readPassword(): Promise<string | null> {
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await promptHidden(t.cli.prompt);
  const second = await promptHidden(t.cli.promptAgain);
  if (first !== second) {
    console.error(t.cli.invalid(t.validation.passwordMismatch));
    return null;
  }
  return first;
}

let args: { username?: string; name?: string };
try {
  args = parseArgs({ options: { username: { type: 'string' }, name: { type: 'string' } } }).values;
} catch {
  console.error(t.cli.usage);
  process.exit(2);
}
if (!args.username || !args.name) {
  console.error(t.cli.usage);
  process.exit(2);
}
// name and display name first, so that a typo is reported before the password is asked
const names = firstAdminSchema.safeParse({ username: args.username, displayName: args.name, password: 'x'.repeat(64) });
if (!names.success) {
  console.error(t.cli.invalid(names.error.issues.map((i) => i.message).join('；')));
  process.exit(2);
}

const { config, db } = openData();
if (seedIfEmpty(db, { demoCount: config.DEMO_COUNT, today: todayInShanghai(), log })) log('database seeded');
if (db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.role, 'provincialAdmin')).get()) {
  console.error(t.cli.exists);
  process.exit(1);
}

const password = await readPassword();
if (password === null) process.exit(2);
if (password === '') {
  console.error(t.cli.noPassword);
  process.exit(2);
}
const form = firstAdminSchema.safeParse({ username: args.username, displayName: args.name, password });
if (!form.success) {
  console.error(t.cli.invalid(form.error.issues.map((i) => i.message).join('；')));
  process.exit(2);
}
try {
  const user = await createFirstAdmin(db, form.data);
  console.log(t.cli.created(user.username, user.displayName));
} catch (e) {
  if (e instanceof StaffError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
} finally {
  db.$client.close();
}
