// A refused request is evidence too: whatever a caller asked that was refused (a refusal, not a
// fault of the server) is recorded in its own transaction, as `<action>.refused` with the code, the
// message, the field at fault and what was asked; then the error goes back to the caller. Nothing
// of the request itself was written (its own transaction rolled back).
import { MandateError } from '../core/errors.js';
import type { Database } from '../store/db.js';
import { appendEvents } from './log.js';

export type Recorded = <T>(
  actor: string,
  subject: { type: string; id: string },
  action: string,
  detail: unknown,
  run: () => Promise<T>,
) => Promise<T>;

export function refusalRecorder(db: Database, clock: () => Date): Recorded {
  return async (actor, subject, action, detail, run) => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof MandateError && err.refusal) {
        await db.transaction((tx) =>
          appendEvents(tx, clock().toISOString(), [
            {
              actor,
              action: `${action}.refused`,
              subject,
              after: { code: err.code, detail: err.message, ...(err.field ? { field: err.field } : {}), request: detail },
            },
          ]),
        );
      }
      throw err;
    }
  };
}
