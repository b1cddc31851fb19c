import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { type Database, pingDatabase } from '@headroom/db';
import { DATABASE } from '../common/tokens';

/** Probes for process supervisors (Kubernetes, Compose), outside GraphQL so they need no token. */
export const HEALTH_PATHS = ['/healthz', '/readyz'] as const;

/** How long the readiness probe waits for the database. */
const READY_TIMEOUT_MS = 2000;

@Controller()
export class HealthController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Liveness: the process serves HTTP (restart it if not). */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers too (send it no traffic until it does). */
  @Get('readyz')
  async readyz(): Promise<{ status: 'ok' }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([pingDatabase(this.db), timeout]);
      return { status: 'ok' };
    } catch (err) {
      throw new HttpException(
        { status: 'unavailable', database: err instanceof Error ? err.message : String(err) },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
