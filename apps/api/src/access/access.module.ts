import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import { AccessResolver } from './access.resolver';
import { AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';

/** Tokens, roles, ownership and the audit log: the guard and interceptor apply to every root field. */
@Module({
  providers: [
    AuditService,
    AccessResolver,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
})
export class AccessModule {}
