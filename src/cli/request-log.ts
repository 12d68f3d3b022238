/**
 * One structured line per request (issue #9 point 9), written when the answer is finished or the
 * connection is cut: JSON with the time, request id, method, path, status and duration in ms.
 *
 * No personal data: never the client's address, cookies or bodies; no query string on personal
 * routes (tip-offs and their tracking, operator requests, the back office, form actions), where a
 * query could name a receipt or a person. Public routes keep their query (what was searched is how
 * search gets better), cut to 200 characters. Lines go to stdout, the usual place of an access log;
 * the site's other log lines go to stderr (src/cli/bootstrap.ts `log`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Paths whose query strings are never logged. */
const PERSONAL = /^\/(?:report|requests|admin|_actions)(?:[/?]|$)/u;
const MAX = 200;

/** One log record. `aborted`: the client went away before the answer was complete. */
export interface RequestLogLine {
  t: string;
  id: string;
  method: string;
  path: string;
  query?: string;
  status: number;
  ms: number;
  aborted?: true;
}

/** The loggable form of a request target: path, and the query unless the route is personal. */
export function loggedTarget(target: string): { path: string; query?: string } {
  const q = target.indexOf('?');
  const path = (q === -1 ? target : target.slice(0, q)).slice(0, MAX);
  const query = q === -1 ? '' : target.slice(q + 1);
  if (query === '' || PERSONAL.test(path)) return { path };
  return { path, query: query.slice(0, MAX) };
}

/** Writes the line of `req` to `write` once `res` is finished or closed. `started`: `performance.now()` at arrival. */
export function logRequest(req: IncomingMessage, res: ServerResponse, requestId: string, started: number, write: (line: string) => void): void {
  res.once('close', () => {
    const line: RequestLogLine = {
      t: new Date().toISOString(),
      id: requestId,
      method: (req.method ?? '').slice(0, 16),
      ...loggedTarget(req.url ?? ''),
      status: res.statusCode,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (!res.writableFinished) line.aborted = true;
    write(`${JSON.stringify(line)}\n`);
  });
}
