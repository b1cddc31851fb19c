import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { getSweep, sweepOwnersOf, type ApiTokenInfo, type Database } from '@headroom/db';
import { HeadroomError } from '@headroom/errors';
import { roleAllows } from '@headroom/sweep';
import type { GraphQLResolveInfo } from 'graphql';
import type { GraphQLContext } from '../common/request-loaders';
import { API_ENV, DATABASE } from '../common/tokens';
import type { ApiEnv } from '../env';
import { ACCESS_RULE, type AccessRule } from './access-rule';
import { tokenNeeded } from './authenticator';
import { AuditService } from './audit.service';

/** The rule of a root field: its `@Requires`, else viewer for reads and admin for a mutation (closed by default). */
export function ruleOf(
  reflector: Reflector,
  context: ExecutionContext,
  operation: string,
): AccessRule {
  return (
    reflector.get<AccessRule | undefined>(ACCESS_RULE, context.getHandler()) ??
    (operation === 'Mutation' ? { role: 'admin' } : { role: 'viewer' })
  );
}

/** The root operation (`Query`, `Mutation`, `Subscription`) of a GraphQL resolver, or undefined for anything else. */
export function operationOf(context: ExecutionContext): string | undefined {
  if (context.getType<GqlContextType>() !== 'graphql') return undefined;
  const name = GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>().parentType.name;
  return ['Query', 'Mutation', 'Subscription'].includes(name) ? name : undefined;
}

/**
 * Who may call each root field (field resolvers below it are not guarded: what a root field
 * returns, its fields may show). A refused mutation is written to the audit log too.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const operation = operationOf(context);
    if (operation === undefined) return true;
    const gql = GqlExecutionContext.create(context);
    const field = gql.getInfo<GraphQLResolveInfo>().fieldName;
    const rule = ruleOf(this.reflector, context, operation);
    const { access } = gql.getContext<GraphQLContext>();
    const args = gql.getArgs<Record<string, unknown>>();
    try {
      if (access.kind === 'refused') throw access.error;
      if (access.kind === 'anonymous') {
        if (operation !== 'Mutation' && rule.role === 'viewer' && this.env.HEADROOM_PUBLIC_READ)
          return true;
        throw tokenNeeded(operation === 'Mutation' ? field : `reading ${field}`);
      }
      const { token } = access;
      if (!roleAllows(token.role, rule.role))
        throw new HeadroomError(
          'FORBIDDEN',
          `token hr_${token.id}_… (${token.owner}, ${token.role}) may not ${field}: that needs the ${rule.role} role; ask an admin for a token with it`,
        );
      if (typeof rule.sweep === 'object' && token.role !== 'admin')
        await this.requireOwner(token, String(args[rule.sweep.arg]), field);
      return true;
    } catch (err) {
      if (operation === 'Mutation')
        await this.audit.record({
          access,
          action: field,
          sweepId: typeof rule.sweep === 'object' ? String(args[rule.sweep.arg]) : null,
          error: err,
        });
      throw err;
    }
  }

  /** A researcher acts on their own sweeps only; a sweep that does not exist is left to the resolver's NOT_FOUND. */
  private async requireOwner(token: ApiTokenInfo, sweepId: string, field: string): Promise<void> {
    const owner = (await sweepOwnersOf(this.db, [sweepId])).get(sweepId);
    if (owner === token.owner) return;
    if (owner === undefined && !(await getSweep(this.db, sweepId))) return;
    throw new HeadroomError(
      'FORBIDDEN',
      owner === undefined
        ? `sweep ${sweepId} has no owner (it was made before tokens were used), so only an admin may ${field} it`
        : `sweep ${sweepId} belongs to ${owner}, not ${token.owner}: only its owner or an admin may ${field} it`,
      [{ path: 'id', message: `sweep ${sweepId} is not yours` }],
    );
  }
}
