-- Workers the control plane stops hearing from are marked `lost` by their worker workflow (a timer),
-- beside the `running` and `stopped` they report themselves.
ALTER TABLE "workers" DROP CONSTRAINT "workers_status_check";--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_status_check" CHECK ("workers"."status" in ('running', 'stopped', 'lost'));