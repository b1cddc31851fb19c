import { Controller, Get, Header, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { type Database, pingDatabase } from '@headroom/db';
import { DATABASE, METRICS } from '../common/tokens';

/**
 * Probes for process supervisors (Kubernetes, Compose) and Prometheus's scrape, outside GraphQL so
 * they need no token; the page's fallback leaves them alone.
 */
export const OPERATOR_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

/** How long the readiness probe waits for the database. */
const READY_TIMEOUT_MS = 2000;

@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(METRICS) private readonly registry: Registry,
  ) {}

  /** Prometheus's text format (see createApiMetrics). */
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

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
