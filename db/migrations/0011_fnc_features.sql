ALTER TABLE "rounds" ADD COLUMN "fnc_features" text;--> statement-breakpoint
ALTER TABLE "scores" ADD COLUMN "max_feature_exposure" double precision;--> statement-breakpoint
ALTER TABLE "scores" ADD COLUMN "max_feature" text;