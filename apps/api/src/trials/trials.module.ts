import { Module } from '@nestjs/common';
import { TrialsResolver } from './trials.resolver';
import { TrialsService } from './trials.service';

@Module({ providers: [TrialsResolver, TrialsService], exports: [TrialsService] })
export class TrialsModule {}
