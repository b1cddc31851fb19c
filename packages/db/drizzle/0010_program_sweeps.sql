-- Program sweeps (issue 12): a sweep runs a built-in task or the user's program, exactly one of the
-- two. A program trial has no head geometry and no epoch count of Headroom's, and its metric values
-- belong to no task's leaderboard: those columns may be null.
ALTER TABLE "sweeps" ALTER COLUMN "task" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "trial_metric_values" ALTER COLUMN "task" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "trials" ALTER COLUMN "d_m" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "trials" ALTER COLUMN "heads" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "trials" ALTER COLUMN "d_h" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "trials" ALTER COLUMN "qk_tied" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "trials" ALTER COLUMN "epochs" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sweeps" ADD COLUMN "program" text;--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_task_or_program_check" CHECK (("sweeps"."task" is null) <> ("sweeps"."program" is null));