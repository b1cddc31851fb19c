-- A group's statistics keep the running sums avg and stddev_samp keep (N, Sx, Sxx), so a trial's
-- first values update them without reading the group's other values; mean and std are derived.
ALTER TABLE "leaderboard_groups" ADD COLUMN "sum" double precision;--> statement-breakpoint
ALTER TABLE "leaderboard_groups" ADD COLUMN "sum_sq_dev" double precision;--> statement-breakpoint
UPDATE "leaderboard_groups" s SET "sum" = f."sum", "sum_sq_dev" = f."sum_sq_dev" FROM (
  SELECT "group_id", "task", "name", "pick", sum("value") AS "sum",
    var_pop("value") * count(*) AS "sum_sq_dev"
  FROM "leaderboard_values" GROUP BY "group_id", "task", "name", "pick"
) f WHERE f."group_id" = s."group_id" AND f."task" = s."task" AND f."name" = s."name" AND f."pick" = s."pick";--> statement-breakpoint
ALTER TABLE "leaderboard_groups" ALTER COLUMN "sum" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "leaderboard_groups" ALTER COLUMN "sum_sq_dev" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "leaderboard_groups" DROP COLUMN "mean";--> statement-breakpoint
ALTER TABLE "leaderboard_groups" ADD COLUMN "mean" double precision GENERATED ALWAYS AS (sum / n) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "leaderboard_groups" DROP COLUMN "std";--> statement-breakpoint
ALTER TABLE "leaderboard_groups" ADD COLUMN "std" double precision GENERATED ALWAYS AS (case when n > 1 then sqrt(sum_sq_dev / (n - 1)) end) STORED;
