import { Module } from '@nestjs/common';
import { EpochMetricsResolver, TrialsResolver } from './trials.resolver';
import { TrialsService } from './trials.service';

@Module({
  providers: [TrialsResolver, EpochMetricsResolver, TrialsService],
  exports: [TrialsService],
})
export class TrialsModule {}
