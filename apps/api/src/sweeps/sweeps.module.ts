import { Module } from '@nestjs/common';
import { TemporalModule } from '../temporal/temporal.module';
import { TrialsModule } from '../trials/trials.module';
import { SweepsResolver } from './sweeps.resolver';
import { SweepsService } from './sweeps.service';

@Module({
  imports: [TemporalModule, TrialsModule],
  providers: [SweepsResolver, SweepsService],
})
export class SweepsModule {}
