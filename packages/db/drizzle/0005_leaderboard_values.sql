CREATE TABLE "leaderboard_groups" (
	"task" text NOT NULL,
	"name" text NOT NULL,
	"pick" text NOT NULL,
	"group_id" integer NOT NULL,
	"n" integer NOT NULL,
	"mean" double precision NOT NULL,
	"std" double precision,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	"param_count_min" bigint,
	"param_count_max" bigint,
	"flops" bigint,
	CONSTRAINT "leaderboard_groups_pk" PRIMARY KEY("task","name","pick","group_id"),
	CONSTRAINT "leaderboard_groups_pick_check" CHECK ("leaderboard_groups"."pick" in ('final', 'best'))
) WITH (fillfactor = 50);
--> statement-breakpoint
CREATE TABLE "leaderboard_values" (
	"trial_id" text NOT NULL,
	"pick" text NOT NULL,
	"name" text NOT NULL,
	"value" double precision NOT NULL,
	"epoch" integer,
	"task" text NOT NULL,
	"sweep_id" text NOT NULL,
	"group_id" integer NOT NULL,
	"param_count" bigint,
	"flops" bigint,
	CONSTRAINT "leaderboard_values_pk" PRIMARY KEY("trial_id","pick","name"),
	CONSTRAINT "leaderboard_values_pick_check" CHECK ("leaderboard_values"."pick" in ('final', 'best')),
	CONSTRAINT "leaderboard_values_finite_check" CHECK (value not in ('NaN', 'Infinity', '-Infinity'))
);
--> statement-breakpoint
-- Hand-added above: fillfactor 50 leaves room on each page for HOT updates of the statistics.
-- Hand-added: the one definition of a trial's group key, used by insertSweep and below. The
-- parameters without the seed, with the typed geometry; jsonb orders and deduplicates keys, so
-- its text is the same for equal parameters.
CREATE FUNCTION trial_group_key(params jsonb, d_m integer, heads integer, d_h integer, qk_tied boolean)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((params - 'seed') || jsonb_build_object('d_m', d_m, 'heads', heads, 'd_h', d_h, 'qk_tied', qk_tied))::text;
--> statement-breakpoint
CREATE TABLE "trial_groups" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "trial_groups_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"task" text NOT NULL,
	"key" text NOT NULL,
	"d_m" integer NOT NULL,
	"heads" integer NOT NULL,
	"d_h" integer NOT NULL,
	"qk_tied" boolean NOT NULL,
	"rest" jsonb NOT NULL,
	CONSTRAINT "trial_groups_task_key_unique" UNIQUE("task","key")
);
--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "group_id" integer;--> statement-breakpoint
ALTER TABLE "leaderboard_groups" ADD CONSTRAINT "leaderboard_groups_group_id_trial_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."trial_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboard_values" ADD CONSTRAINT "leaderboard_values_trial_id_trials_id_fk" FOREIGN KEY ("trial_id") REFERENCES "public"."trials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboard_values" ADD CONSTRAINT "leaderboard_values_group_id_trial_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."trial_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leaderboard_values_task_rank_idx" ON "leaderboard_values" USING btree ("task","name","pick","value","trial_id" collate "C");--> statement-breakpoint
CREATE INDEX "leaderboard_values_sweep_rank_idx" ON "leaderboard_values" USING btree ("sweep_id","name","pick","value","trial_id" collate "C");--> statement-breakpoint
CREATE INDEX "leaderboard_values_group_idx" ON "leaderboard_values" USING btree ("group_id","task");--> statement-breakpoint
CREATE INDEX "leaderboard_groups_group_idx" ON "leaderboard_groups" USING btree ("group_id","task");--> statement-breakpoint
ALTER TABLE "trials" ADD CONSTRAINT "trials_group_id_trial_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."trial_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Hand-added: move today's data. Every trial gets its group; every succeeded trial its final values
-- (from trial_final_metrics, which goes) and, per metric with a goal, its best epoch (goals as of
-- this migration: mpjpe and p_mpjpe are minimized, every other metric of the tasks maximized).
INSERT INTO "trial_groups" ("task", "key", "d_m", "heads", "d_h", "qk_tied", "rest")
SELECT DISTINCT s."task", trial_group_key(t."params", t."d_m", t."heads", t."d_h", t."qk_tied"),
  t."d_m", t."heads", t."d_h", t."qk_tied", t."params" - array['seed', 'd_m', 'heads', 'd_h', 'qk_tied']
FROM "trials" t JOIN "sweeps" s ON s."id" = t."sweep_id";--> statement-breakpoint
UPDATE "trials" t SET "group_id" = g."id"
FROM "sweeps" s, "trial_groups" g
WHERE s."id" = t."sweep_id" AND g."task" = s."task"
  AND g."key" = trial_group_key(t."params", t."d_m", t."heads", t."d_h", t."qk_tied");--> statement-breakpoint
INSERT INTO "leaderboard_values" ("trial_id", "pick", "name", "value", "epoch", "task", "sweep_id", "group_id", "param_count", "flops")
SELECT f."trial_id", 'final', f."name", f."value", NULL, f."task", f."sweep_id", t."group_id", t."param_count", t."flops"
FROM "trial_final_metrics" f JOIN "trials" t ON t."id" = f."trial_id";--> statement-breakpoint
INSERT INTO "leaderboard_values" ("trial_id", "pick", "name", "value", "epoch", "task", "sweep_id", "group_id", "param_count", "flops")
SELECT DISTINCT ON (v."trial_id", v."name") v."trial_id", 'best', v."name", v."value", v."epoch", v."task", t."sweep_id", t."group_id", t."param_count", t."flops"
FROM "trial_metric_values" v JOIN "trials" t ON t."id" = v."trial_id"
WHERE t."status" = 'succeeded' AND (
  (v."task" = 'pose3d' AND v."name" IN ('mpjpe', 'p_mpjpe'))
  OR (v."task" = 'pose2d' AND v."name" IN ('ap', 'ap50', 'ap75', 'apm', 'apl', 'ar', 'ar50', 'ar75', 'arm', 'arl'))
  OR (v."task" = 'chest' AND (v."name" LIKE 'auc\_%' OR v."name" IN ('mean_auc', 'mean_auc_14'))))
ORDER BY v."trial_id", v."name",
  CASE WHEN v."name" IN ('mpjpe', 'p_mpjpe') THEN v."value" ELSE -v."value" END, v."epoch";--> statement-breakpoint
INSERT INTO "leaderboard_groups" ("task", "name", "pick", "group_id", "n", "mean", "std", "min", "max", "param_count_min", "param_count_max", "flops")
SELECT v."task", v."name", v."pick", v."group_id", count(*), avg(v."value"), stddev_samp(v."value"), min(v."value"), max(v."value"),
  min(v."param_count"), max(v."param_count"), max(v."flops")
FROM "leaderboard_values" v GROUP BY v."task", v."name", v."pick", v."group_id";--> statement-breakpoint
DROP TABLE "trial_final_metrics" CASCADE;
