CREATE TABLE "daily_scores" (
	"round" integer NOT NULL,
	"model_id" text NOT NULL,
	"day" integer NOT NULL,
	"targets_id" integer NOT NULL,
	"submission_id" text NOT NULL,
	"corr" double precision NOT NULL,
	"mmc" double precision,
	"fnc" double precision,
	"stake_at_risk" numeric(78, 0) NOT NULL,
	"ratio_wad" numeric(78, 0) NOT NULL,
	"projected_payout" numeric(78, 0) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_scores_round_model_id_day_pk" PRIMARY KEY("round","model_id","day")
);
--> statement-breakpoint
CREATE TABLE "daily_targets" (
	"id" serial PRIMARY KEY NOT NULL,
	"round" integer NOT NULL,
	"day" integer NOT NULL,
	"targets_csv" text NOT NULL,
	"targets_sha256" text NOT NULL,
	"scored_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "daily_scores" ADD CONSTRAINT "daily_scores_round_rounds_number_fk" FOREIGN KEY ("round") REFERENCES "public"."rounds"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_scores" ADD CONSTRAINT "daily_scores_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_scores" ADD CONSTRAINT "daily_scores_targets_id_daily_targets_id_fk" FOREIGN KEY ("targets_id") REFERENCES "public"."daily_targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_scores" ADD CONSTRAINT "daily_scores_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_targets" ADD CONSTRAINT "daily_targets_round_rounds_number_fk" FOREIGN KEY ("round") REFERENCES "public"."rounds"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "daily_scores_model_idx" ON "daily_scores" USING btree ("model_id","round","day");--> statement-breakpoint
CREATE INDEX "daily_targets_round_day_idx" ON "daily_targets" USING btree ("round","day","id");