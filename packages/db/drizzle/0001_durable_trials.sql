CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"pool" text NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"backend" text NOT NULL,
	"device" text NOT NULL,
	"slots" integer NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workers_status_check" CHECK ("workers"."status" in ('running', 'stopped'))
);
--> statement-breakpoint
ALTER TABLE "sweeps" DROP CONSTRAINT "sweeps_status_check";--> statement-breakpoint
ALTER TABLE "trials" DROP CONSTRAINT "trials_status_check";--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "last_attempt_key" text;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "resumed_from_epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "worker" text;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "pruned_at_rung" integer;--> statement-breakpoint
CREATE INDEX "workers_pool_idx" ON "workers" USING btree ("pool");--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_status_check" CHECK ("sweeps"."status" in ('pending', 'running', 'paused', 'succeeded', 'failed', 'cancelled'));--> statement-breakpoint
ALTER TABLE "trials" ADD CONSTRAINT "trials_status_check" CHECK ("trials"."status" in ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'pruned', 'paused'));