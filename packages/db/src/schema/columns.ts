import { timestamp } from 'drizzle-orm/pg-core';

/** Bookkeeping columns every table carries. Updates set `updatedAt` explicitly (upserts bypass `$onUpdate`). */
export const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};
