import { type DynamicModule, Module } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { METRICS } from '../common/tokens';
import { HealthController } from './health.controller';

/** What operators read: the probes and the Prometheus metrics (`createApiMetrics`'s registry). */
@Module({})
export class HealthModule {
  static forRoot(registry: Registry): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: METRICS, useValue: registry }],
    };
  }
}
