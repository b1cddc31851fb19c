import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  createApiToken,
  listApiTokens,
  listAudit,
  revokeApiToken,
  type ApiTokenInfo,
  type Database,
} from '@headroom/db';
import { HeadroomError, type Violation } from '@headroom/errors';
import { OWNER_NAME } from '@headroom/sweep';
import { checkLimit, throwIfViolations } from '../common/limits';
import type { GraphQLContext } from '../common/request-loaders';
import { DATABASE } from '../common/tokens';
import { Requires } from './access-rule';
import { ApiToken, AuditPage, CreateApiTokenInput, IssuedToken } from './access.model';

/** Tokens (admins manage them) and the audit log (admins read it); `me` for anyone with a token. */
@Resolver()
export class AccessResolver {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Query(() => ApiToken, {
    nullable: true,
    description: 'The token this request was sent with; null without one (where reads are public).',
  })
  me(@Context() ctx: GraphQLContext): ApiTokenInfo | null {
    return ctx.access.kind === 'token' ? ctx.access.token : null;
  }

  @Requires('admin')
  @Query(() => [ApiToken], { description: 'Every token, newest first (admins).' })
  apiTokens(): Promise<ApiTokenInfo[]> {
    return listApiTokens(this.db);
  }

  @Requires('admin', {
    note: (_args, result) => {
      const { id, role, owner } = (result as IssuedToken).apiToken;
      return `token ${id}: ${role} for ${owner}`;
    },
  })
  @Mutation(() => IssuedToken, {
    description: 'A new token (admins); its secret is in this answer and nowhere else.',
  })
  async createApiToken(
    @Args('input', { type: () => CreateApiTokenInput }) input: CreateApiTokenInput,
    @Context() ctx: GraphQLContext,
  ): Promise<IssuedToken> {
    const owner = input.owner ?? input.name;
    const violations: Violation[] = [];
    if (input.name.trim() === '' || input.name.length > 100)
      violations.push({ path: 'input.name', message: 'must be 1 to 100 characters' });
    if (!OWNER_NAME.test(owner))
      violations.push({
        path: input.owner ? 'input.owner' : 'input.name',
        message: `the owner must be 1 to 64 letters, digits or . _ @ - (starting with a letter or digit), e.g. alice; got ${JSON.stringify(owner)}`,
      });
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
      violations.push({
        path: 'input.expiresAt',
        message: `must be in the future; got ${input.expiresAt.toISOString()}`,
      });
    throwIfViolations('createApiToken', violations);
    const issued = await createApiToken(this.db, {
      name: input.name.trim(),
      owner,
      role: input.role,
      expiresAt: input.expiresAt ?? null,
      createdBy: ctx.access.kind === 'token' ? ctx.access.token.id : null,
    });
    return { token: issued.token, apiToken: issued.info };
  }

  @Requires('admin', { note: (args) => `token ${String(args['id'])}` })
  @Mutation(() => ApiToken, {
    description: 'Revokes a token (admins): it fails from the next request on.',
  })
  async revokeApiToken(@Args('id', { type: () => ID }) id: string): Promise<ApiTokenInfo> {
    const revoked = await revokeApiToken(this.db, id);
    if (!revoked)
      throw new HeadroomError(
        'NOT_FOUND',
        `there is no token ${id}; \`headroom token list\` shows them`,
        [{ path: 'id', message: `no token ${id}` }],
      );
    return revoked;
  }

  @Requires('admin')
  @Query(() => AuditPage, {
    description: 'Every mutation asked for, newest first, a page at a time (admins).',
  })
  async auditLog(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 100 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('sweepId', { type: () => ID, nullable: true }) sweepId: string | null,
  ): Promise<AuditPage> {
    const { limit, violation } = checkLimit(first, 100, 'first');
    const violations = violation ? [violation] : [];
    if (after != null && !/^\d+$/.test(after))
      violations.push({ path: 'after', message: 'must be the `next` of the page before' });
    throwIfViolations('auditLog', violations);
    const page = await listAudit(this.db, {
      first: limit,
      after: after == null ? undefined : Number(after),
      sweepId: sweepId ?? undefined,
    });
    return {
      rows: page.rows.map((r) => ({ ...r, id: String(r.id) })),
      next: page.next === null ? null : String(page.next),
    };
  }
}
