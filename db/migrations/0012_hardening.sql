CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "lease" text;--> statement-breakpoint
-- One wallet, one account: where a race linked a wallet to several accounts, the oldest account keeps it.
UPDATE "accounts" AS a SET "wallet_address" = NULL
WHERE a."wallet_address" IS NOT NULL AND EXISTS (
	SELECT 1 FROM "accounts" AS b
	WHERE b."wallet_address" = a."wallet_address" AND (b."created_at", b."id") < (a."created_at", a."id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_wallet_address_idx" ON "accounts" USING btree ("wallet_address");
