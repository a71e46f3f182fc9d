import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { bytea, timestamps } from "./columns";
import { models } from "./models";

export type ValidationStatus = "preparing" | "ready" | "failed";

/**
 * A validation set the operator uploaded (`POST /v1/validation`): ids, eras, targets, features
 * and optionally the validation meta model. The newest set that did not fail preparation is the
 * one new diagnostics run against; older sets stay so stored diagnostics keep their meaning.
 */
export const validationSets = pgTable("validation_sets", {
  /** `val_...` */
  id: text("id").primaryKey(),
  sha256: text("sha256").notNull(),
  format: text("format").$type<"csv" | "parquet">().notNull(),
  rows: integer("rows").notNull(),
  eras: integer("eras").notNull(),
  /** The feature column names, in file order (FNC and exposure use all of them). */
  features: jsonb("features").$type<string[]>().notNull(),
  hasMetaModel: boolean("has_meta_model").notNull(),
  /** `preparing` until the worker has built every era's neutralization basis. */
  status: text("status").$type<ValidationStatus>().notNull().default("preparing"),
  error: text("error"),
  preparedAt: timestamp("prepared_at", { withTimezone: true }),
  ...timestamps,
});

/**
 * One era of a validation set, as typed arrays (little-endian): `ids` newline-joined in file
 * order, `targets` and `metaModel` float64, `features` column-major (int8 or int16 when every
 * value is an integer that fits, else float64), and the prepared neutralization basis once the
 * worker built it.
 */
export const validationEras = pgTable(
  "validation_eras",
  {
    setId: text("set_id")
      .notNull()
      .references(() => validationSets.id, { onDelete: "cascade" }),
    /** The era's place in era order (numeric labels by value, others as strings). */
    position: integer("position").notNull(),
    era: text("era").notNull(),
    ids: text("ids").notNull(),
    targets: bytea("targets").notNull(),
    metaModel: bytea("meta_model"),
    featureType: text("feature_type").$type<"i8" | "i16" | "f64">().notNull(),
    features: bytea("features").notNull(),
    /** The serialized `NeutralBasis` of the era's features (null until prepared). */
    basis: bytea("basis"),
  },
  (t) => [primaryKey({ columns: [t.setId, t.position] })],
);

export type DiagnosticsStatus = "queued" | "running" | "done" | "failed";

/**
 * A data scientist's diagnostics of validation predictions against a validation set: the
 * predictions (float64 in the set's row order, eras by position), then the worker's report.
 */
export const diagnostics = pgTable(
  "diagnostics",
  {
    /** `dgn_...` */
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    setId: text("set_id")
      .notNull()
      .references(() => validationSets.id),
    status: text("status").$type<DiagnosticsStatus>().notNull().default("queued"),
    predictions: bytea("predictions").notNull(),
    /** The report (scoring's `ValidationReport`) when done. */
    result: jsonb("result").$type<Record<string, unknown>>(),
    /** Why it failed: `{code, message, details?}` (e.g. constant predictions in an era). */
    error: jsonb("error").$type<{ code: string; message: string; details?: unknown }>(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index("diagnostics_model_idx").on(t.modelId, t.id)],
);

export type ValidationSet = typeof validationSets.$inferSelect;
export type ValidationEra = typeof validationEras.$inferSelect;
export type NewValidationEra = typeof validationEras.$inferInsert;
export type DiagnosticsRow = typeof diagnostics.$inferSelect;
