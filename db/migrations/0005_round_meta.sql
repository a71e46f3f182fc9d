CREATE TABLE "round_meta" (
	"round" integer PRIMARY KEY NOT NULL,
	"meta_csv" text NOT NULL,
	"total_stake" numeric(78, 0) NOT NULL,
	"parts" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "round_meta" ADD CONSTRAINT "round_meta_round_rounds_number_fk" FOREIGN KEY ("round") REFERENCES "public"."rounds"("number") ON DELETE no action ON UPDATE no action;