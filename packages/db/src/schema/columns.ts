import { type AnyColumn, sql, type SQL } from 'drizzle-orm';
import { timestamp } from 'drizzle-orm/pg-core';

/** Bookkeeping columns every table carries. Updates set `updatedAt` explicitly (upserts bypass `$onUpdate`). */
export const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

/**
 * `column in ('a', 'b', …)` from one of @headroom/sweep's lists, for a CHECK constraint.
 * Text + CHECK rather than pg enums: adding a value later is a plain migration. The values
 * are our own constants (lowercase words), never user input, hence `sql.raw`.
 */
export function isOneOf(column: AnyColumn, values: readonly string[]): SQL {
  const list = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
  return sql`${column} in (${sql.raw(list)})`;
}
