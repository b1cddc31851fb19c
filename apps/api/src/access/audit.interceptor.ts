import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import type { GraphQLResolveInfo } from 'graphql';
import type { GraphQLContext } from '../common/request-loaders';
import { AuditService } from './audit.service';
import { operationOf, ruleOf } from './access.guard';

/** Every mutation that passed AccessGuard, written to the audit log once it has ended, with its outcome. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<GqlContextType>() !== 'graphql' || operationOf(context) !== 'Mutation')
      return next.handle();
    const gql = GqlExecutionContext.create(context);
    const action = gql.getInfo<GraphQLResolveInfo>().fieldName;
    const args = gql.getArgs<Record<string, unknown>>();
    const { access } = gql.getContext<GraphQLContext>();
    const rule = ruleOf(this.reflector, context, 'Mutation');
    const argSweep = typeof rule.sweep === 'object' ? String(args[rule.sweep.arg]) : null;
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        const created =
          rule.sweep === 'created' ? ((result as { id?: string } | null)?.id ?? null) : null;
        await this.audit.record({
          access,
          action,
          sweepId: argSweep ?? created,
          note: rule.note?.(args, result) ?? null,
        });
        return result;
      }),
      catchError((err: unknown) =>
        from(this.audit.record({ access, action, sweepId: argSweep, error: err })).pipe(
          mergeMap(() => throwError(() => err)),
        ),
      ),
    );
  }
}
