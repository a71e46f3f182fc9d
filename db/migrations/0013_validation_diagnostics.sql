CREATE TABLE "diagnostics" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"set_id" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"predictions" "bytea" NOT NULL,
	"result" jsonb,
	"error" jsonb,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "validation_eras" (
	"set_id" text NOT NULL,
	"position" integer NOT NULL,
	"era" text NOT NULL,
	"ids" text NOT NULL,
	"targets" "bytea" NOT NULL,
	"meta_model" "bytea",
	"feature_type" text NOT NULL,
	"features" "bytea" NOT NULL,
	"basis" "bytea",
	CONSTRAINT "validation_eras_set_id_position_pk" PRIMARY KEY("set_id","position")
);
--> statement-breakpoint
CREATE TABLE "validation_sets" (
	"id" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"format" text NOT NULL,
	"rows" integer NOT NULL,
	"eras" integer NOT NULL,
	"features" jsonb NOT NULL,
	"has_meta_model" boolean NOT NULL,
	"status" text DEFAULT 'preparing' NOT NULL,
	"error" text,
	"prepared_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "diagnostics" ADD CONSTRAINT "diagnostics_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "diagnostics" ADD CONSTRAINT "diagnostics_set_id_validation_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."validation_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_eras" ADD CONSTRAINT "validation_eras_set_id_validation_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."validation_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "diagnostics_model_idx" ON "diagnostics" USING btree ("model_id","id");