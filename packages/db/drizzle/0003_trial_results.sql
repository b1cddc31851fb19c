ALTER TABLE "trial_metrics" ADD COLUMN "breakdown" jsonb;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "artifacts" jsonb DEFAULT '[]'::jsonb NOT NULL;