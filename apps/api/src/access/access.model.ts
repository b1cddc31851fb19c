import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import type { ApiTokenInfo, AuditRow } from '@headroom/db';
import type { TokenRole as Role } from '@headroom/sweep';
import { TokenRole } from '../common/enums';

@ObjectType('ApiToken', {
  description:
    'An API token as lists show it: its public id, never its secret (only its SHA-256 is stored).',
})
export class ApiToken implements Omit<ApiTokenInfo, 'updatedAt'> {
  @Field(() => ID, { description: 'The public part: a token reads hr_<id>_<secret>.' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Who it acts for: the sweeps it creates are theirs.' })
  owner!: string;

  @Field(() => TokenRole)
  role!: Role;

  @Field(() => String, {
    nullable: true,
    description: 'The token that created it; null for one the API made at its first start.',
  })
  createdBy!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Null: it does not expire.' })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'To the minute.' })
  lastUsedAt!: Date | null;
}

@ObjectType('IssuedToken', {
  description: 'A new token: the only time its secret is shown.',
})
export class IssuedToken {
  @Field(() => String, { description: 'hr_<id>_<secret>: keep it; it cannot be shown again.' })
  token!: string;

  @Field(() => ApiToken)
  apiToken!: ApiTokenInfo;
}

@InputType('CreateApiTokenInput')
export class CreateApiTokenInput {
  @Field(() => String, { description: 'What it is for, e.g. "alice laptop" or "gpu-node-3".' })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Who it acts for (sweeps it creates are theirs); default: the name.',
  })
  owner?: string | null;

  @Field(() => TokenRole)
  role!: Role;

  @Field(() => Date, { nullable: true, description: 'When it stops working; null: never.' })
  expiresAt?: Date | null;
}

@ObjectType('AuditEntry', {
  description: 'A mutation the API was asked for: who, what, which sweep, when, and its outcome.',
})
export class AuditEntry implements Omit<AuditRow, 'id'> {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { nullable: true, description: 'The token used; null when none was sent.' })
  tokenId!: string | null;

  @Field(() => String, { nullable: true })
  owner!: string | null;

  @Field(() => String, { nullable: true })
  role!: string | null;

  @Field(() => String, { description: 'The mutation, e.g. cancelSweep.' })
  action!: string;

  @Field(() => ID, { nullable: true })
  sweepId!: string | null;

  @Field(() => String, {
    description: 'ok, or the error code it ended with (FORBIDDEN, INVALID_SPEC…).',
  })
  outcome!: string;

  @Field(() => String, { nullable: true, description: "The error's message, or a note." })
  message!: string | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;
}

@ObjectType('AuditPage', { description: 'A page of the audit log, newest first.' })
export class AuditPage {
  @Field(() => [AuditEntry])
  rows!: AuditEntry[];

  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next page; null at the end.',
  })
  next!: string | null;
}
