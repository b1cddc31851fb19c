-- The access tables, written by the API (the control worker writes everything else): API tokens
-- (hashes only), who created each sweep, and the audit log of every mutation.
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"name" text NOT NULL,
	"owner" text NOT NULL,
	"role" text NOT NULL,
	"created_by" text,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_tokens_role_check" CHECK ("api_tokens"."role" in ('viewer', 'researcher', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"token_id" text,
	"owner" text,
	"role" text,
	"action" text NOT NULL,
	"sweep_id" text,
	"outcome" text NOT NULL,
	"message" text,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "sweep_owners" (
	"sweep_id" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"token_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_sweep_idx" ON "audit_log" USING btree ("sweep_id","id");