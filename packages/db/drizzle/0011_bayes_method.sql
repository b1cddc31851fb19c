ALTER TABLE "sweeps" DROP CONSTRAINT "sweeps_method_check";--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_method_check" CHECK ("sweeps"."method" in ('grid', 'random', 'bayes'));