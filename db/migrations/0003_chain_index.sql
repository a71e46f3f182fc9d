CREATE TABLE "chain_cursor" (
	"id" text PRIMARY KEY NOT NULL,
	"block" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_events" (
	"block" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"name" text NOT NULL,
	"model_id" text,
	"account" text,
	"round_id" integer,
	"args" text NOT NULL,
	CONSTRAINT "chain_events_tx_hash_log_index_pk" PRIMARY KEY("tx_hash","log_index")
);
--> statement-breakpoint
CREATE TABLE "model_stakes" (
	"model_id" text PRIMARY KEY NOT NULL,
	"total_assets" numeric(78, 0) NOT NULL,
	"total_shares" numeric(78, 0) NOT NULL,
	"active_assets" numeric(78, 0) NOT NULL,
	"block" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "positions" (
	"model_id" text NOT NULL,
	"staker" text NOT NULL,
	"shares" numeric(78, 0) NOT NULL,
	"assets" numeric(78, 0) NOT NULL,
	"block" bigint NOT NULL,
	CONSTRAINT "positions_model_id_staker_pk" PRIMARY KEY("model_id","staker")
);
--> statement-breakpoint
CREATE TABLE "unstake_requests" (
	"request_id" integer PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"staker" text NOT NULL,
	"shares" numeric(78, 0) NOT NULL,
	"release_round" integer NOT NULL,
	"withdrawn" boolean DEFAULT false NOT NULL,
	"withdrawn_assets" numeric(78, 0),
	"block" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "chain_events_block_idx" ON "chain_events" USING btree ("block");--> statement-breakpoint
CREATE INDEX "chain_events_model_idx" ON "chain_events" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "chain_events_account_idx" ON "chain_events" USING btree ("account");--> statement-breakpoint
CREATE INDEX "positions_staker_idx" ON "positions" USING btree ("staker");--> statement-breakpoint
CREATE INDEX "unstake_requests_staker_idx" ON "unstake_requests" USING btree ("staker");