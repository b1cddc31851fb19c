import { Module } from '@nestjs/common';
import { ReferencesResolver } from './references.resolver';

@Module({ providers: [ReferencesResolver] })
export class ReferencesModule {}
