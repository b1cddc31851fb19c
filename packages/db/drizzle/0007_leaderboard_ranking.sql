-- A ranking is read from leaderboard_groups alone: each row carries its group's key (the tie-break,
-- in byte order) and rest (for the parameters constant over a ranking), copied from trial_groups,
-- where they never change.
ALTER TABLE "leaderboard_groups" ADD COLUMN "key" text COLLATE "C";--> statement-breakpoint
ALTER TABLE "leaderboard_groups" ADD COLUMN "rest" jsonb;--> statement-breakpoint
UPDATE "leaderboard_groups" s SET "key" = g."key", "rest" = g."rest" FROM "trial_groups" g WHERE g."id" = s."group_id";--> statement-breakpoint
ALTER TABLE "leaderboard_groups" ALTER COLUMN "key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "leaderboard_groups" ALTER COLUMN "rest" SET NOT NULL;--> statement-breakpoint
-- A page's details read its groups' rows of one pick (and metric) as one index range each.
DROP INDEX "leaderboard_values_group_idx";--> statement-breakpoint
CREATE INDEX "leaderboard_values_group_idx" ON "leaderboard_values" USING btree ("group_id","pick","name");
