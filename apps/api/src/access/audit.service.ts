import { Inject, Injectable, Logger } from '@nestjs/common';
import { recordAudit, type Database } from '@headroom/db';
import { isHeadroomError } from '@headroom/errors';
import { DATABASE } from '../common/tokens';
import { currentRequestId } from '../common/request-id';
import type { Access } from './authenticator';

/** One mutation as the audit log keeps it. */
export interface AuditedCall {
  access: Access;
  action: string;
  sweepId: string | null;
  /** Undefined when it succeeded. */
  error?: unknown;
  note?: string | null;
}

/**
 * Writes every mutation the API was asked for, allowed or not, with how it ended: `ok` or the
 * error's code (`FORBIDDEN`, `INVALID_SPEC`…; anything else `INTERNAL`, its text kept out).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('audit');

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async record(call: AuditedCall): Promise<void> {
    const token = call.access.kind === 'token' ? call.access.token : undefined;
    const known = call.error === undefined || isHeadroomError(call.error);
    const entry = {
      tokenId: token?.id ?? null,
      owner: token?.owner ?? null,
      role: token?.role ?? null,
      action: call.action,
      sweepId: call.sweepId,
      outcome:
        call.error === undefined
          ? 'ok'
          : isHeadroomError(call.error)
            ? call.error.code
            : 'INTERNAL',
      message:
        call.error === undefined
          ? (call.note ?? null)
          : known && call.error instanceof Error
            ? call.error.message
            : null,
      requestId: currentRequestId(),
    };
    // The mutation has happened (or been refused) already: a lost audit row is logged, not thrown.
    await recordAudit(this.db, entry).catch((err: unknown) =>
      this.logger.error(`could not write the audit entry ${JSON.stringify(entry)}: ${String(err)}`),
    );
  }
}
