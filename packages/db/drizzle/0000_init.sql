CREATE TABLE "checkpoints" (
	"trial_id" text NOT NULL,
	"epoch" integer NOT NULL,
	"path" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkpoints_pk" PRIMARY KEY("trial_id","epoch")
);
--> statement-breakpoint
CREATE TABLE "sweeps" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"task" text NOT NULL,
	"method" text NOT NULL,
	"metric_name" text NOT NULL,
	"metric_goal" text NOT NULL,
	"spec" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sweeps_status_check" CHECK ("sweeps"."status" in ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
	CONSTRAINT "sweeps_metric_goal_check" CHECK ("sweeps"."metric_goal" in ('minimize', 'maximize'))
);
--> statement-breakpoint
CREATE TABLE "trial_metrics" (
	"trial_id" text NOT NULL,
	"epoch" integer NOT NULL,
	"metrics" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trial_metrics_pk" PRIMARY KEY("trial_id","epoch")
);
--> statement-breakpoint
CREATE TABLE "trials" (
	"id" text PRIMARY KEY NOT NULL,
	"sweep_id" text NOT NULL,
	"index" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"params" jsonb NOT NULL,
	"d_m" integer NOT NULL,
	"heads" integer NOT NULL,
	"d_h" integer NOT NULL,
	"qk_tied" boolean NOT NULL,
	"epochs" integer NOT NULL,
	"epochs_completed" integer DEFAULT 0 NOT NULL,
	"param_count" bigint,
	"metrics" jsonb,
	"artifact_path" text,
	"backend" text,
	"device" text,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trials_sweep_id_index_unique" UNIQUE("sweep_id","index"),
	CONSTRAINT "trials_status_check" CHECK ("trials"."status" in ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'pruned'))
);
--> statement-breakpoint
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_trial_id_trials_id_fk" FOREIGN KEY ("trial_id") REFERENCES "public"."trials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trial_metrics" ADD CONSTRAINT "trial_metrics_trial_id_trials_id_fk" FOREIGN KEY ("trial_id") REFERENCES "public"."trials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trials" ADD CONSTRAINT "trials_sweep_id_sweeps_id_fk" FOREIGN KEY ("sweep_id") REFERENCES "public"."sweeps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sweeps_task_idx" ON "sweeps" USING btree ("task");--> statement-breakpoint
CREATE INDEX "sweeps_created_at_idx" ON "sweeps" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "trials_succeeded_idx" ON "trials" USING btree ("sweep_id") WHERE "trials"."status" = 'succeeded';--> statement-breakpoint
CREATE INDEX "trials_geometry_idx" ON "trials" USING btree ("d_m","heads","d_h","qk_tied");