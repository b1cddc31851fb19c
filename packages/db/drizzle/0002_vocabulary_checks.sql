ALTER TABLE "trials" DROP CONSTRAINT "trials_status_check";--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_task_check" CHECK ("sweeps"."task" in ('pose3d', 'pose2d', 'chest'));--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_method_check" CHECK ("sweeps"."method" in ('grid', 'random'));--> statement-breakpoint
ALTER TABLE "trials" ADD CONSTRAINT "trials_status_check" CHECK ("trials"."status" in ('pending', 'running', 'paused', 'succeeded', 'failed', 'cancelled', 'pruned'));