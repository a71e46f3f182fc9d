import { customType, numeric, timestamp } from "drizzle-orm/pg-core";

/** Created/updated timestamps shared by every table. */
export const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
};

/** Token amounts and WAD values: integers up to 2^256, stored exactly, read back as strings. */
export const uint = (name: string) => numeric(name, { precision: 78, scale: 0 });

/** Binary data: postgres.js reads it as a Buffer, PGlite as a Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

/** The largest value of the database's `integer` columns (round numbers, counts, seconds). */
export const INT4_MAX = 2_147_483_647;
