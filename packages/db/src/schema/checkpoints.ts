import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { trials } from './trials';

/** Where each epoch's checkpoint lives in the artifact store; a resumed attempt starts from the newest. */
export const checkpoints = pgTable(
  'checkpoints',
  {
    trialId: text()
      .notNull()
      .references(() => trials.id, { onDelete: 'cascade' }),
    epoch: integer().notNull(),
    path: text().notNull(),
    sizeBytes: bigint({ mode: 'number' }).notNull(),
    sha256: text().notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ name: 'checkpoints_pk', columns: [t.trialId, t.epoch] })],
);
