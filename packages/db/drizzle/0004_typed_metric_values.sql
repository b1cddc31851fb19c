CREATE TABLE "trial_final_metrics" (
	"trial_id" text NOT NULL,
	"name" text NOT NULL,
	"value" double precision NOT NULL,
	"task" text NOT NULL,
	"sweep_id" text NOT NULL,
	CONSTRAINT "trial_final_metrics_pk" PRIMARY KEY("trial_id","name"),
	CONSTRAINT "trial_final_metrics_finite_check" CHECK (value not in ('NaN', 'Infinity', '-Infinity'))
);
--> statement-breakpoint
CREATE TABLE "trial_metric_values" (
	"trial_id" text NOT NULL,
	"epoch" integer NOT NULL,
	"name" text NOT NULL,
	"value" double precision NOT NULL,
	"task" text NOT NULL,
	CONSTRAINT "trial_metric_values_pk" PRIMARY KEY("trial_id","epoch","name"),
	CONSTRAINT "trial_metric_values_finite_check" CHECK (value not in ('NaN', 'Infinity', '-Infinity'))
);
--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "flops" bigint;--> statement-breakpoint
ALTER TABLE "trial_final_metrics" ADD CONSTRAINT "trial_final_metrics_trial_id_trials_id_fk" FOREIGN KEY ("trial_id") REFERENCES "public"."trials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trial_metric_values" ADD CONSTRAINT "trial_metric_values_trial_id_trials_id_fk" FOREIGN KEY ("trial_id") REFERENCES "public"."trials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "trial_final_metrics_task_name_value_idx" ON "trial_final_metrics" USING btree ("task","name","value","trial_id");--> statement-breakpoint
CREATE INDEX "trial_final_metrics_sweep_name_value_idx" ON "trial_final_metrics" USING btree ("sweep_id","name","value","trial_id");--> statement-breakpoint
CREATE INDEX "trial_metric_values_task_name_idx" ON "trial_metric_values" USING btree ("task","name","trial_id","value");--> statement-breakpoint
-- Hand-added: move today's data into the typed tables. Only JSON numbers are copied (a null is a NaN
-- sent over the wire), exactly what recordEpochMetrics and completeTrial store from now on.
INSERT INTO "trial_metric_values" ("trial_id", "epoch", "name", "value", "task")
SELECT m."trial_id", m."epoch", e.key, e.value::double precision, s."task"
FROM "trial_metrics" m
JOIN "trials" t ON t."id" = m."trial_id"
JOIN "sweeps" s ON s."id" = t."sweep_id"
CROSS JOIN LATERAL jsonb_each(m."metrics") e
WHERE jsonb_typeof(m."metrics") = 'object' AND jsonb_typeof(e.value) = 'number';--> statement-breakpoint
INSERT INTO "trial_final_metrics" ("trial_id", "name", "value", "task", "sweep_id")
SELECT t."id", e.key, e.value::double precision, s."task", t."sweep_id"
FROM "trials" t
JOIN "sweeps" s ON s."id" = t."sweep_id"
CROSS JOIN LATERAL jsonb_each(t."metrics") e
WHERE t."status" = 'succeeded' AND jsonb_typeof(t."metrics") = 'object' AND jsonb_typeof(e.value) = 'number';
