ALTER TABLE "model_stakes" ADD COLUMN "waiting_assets" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "model_stakes" ADD COLUMN "exiting_shares" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "positions" ADD COLUMN "waiting_assets" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "positions" ADD COLUMN "waiting_until_round" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "unstake_requests" ADD COLUMN "released" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "unstake_requests" ADD COLUMN "assets" numeric(78, 0);--> statement-breakpoint
CREATE INDEX "unstake_requests_model_idx" ON "unstake_requests" USING btree ("model_id");--> statement-breakpoint
-- Staking v2 is a new deployment: the index of the old contract's events is dropped, and the
-- indexer reads the new contract from its first block.
DELETE FROM "positions";--> statement-breakpoint
DELETE FROM "unstake_requests";--> statement-breakpoint
DELETE FROM "model_stakes";--> statement-breakpoint
DELETE FROM "chain_events";--> statement-breakpoint
DELETE FROM "chain_cursor";
