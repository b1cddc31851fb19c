import { Module } from '@nestjs/common';
import { WorkersResolver } from './workers.resolver';

@Module({ providers: [WorkersResolver] })
export class WorkersModule {}
