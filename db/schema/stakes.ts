import { bigint, boolean, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamps, uint } from "./columns";

/** How far the chain indexer has read: the last indexed block and its hash (reorg check). */
export const chainCursor = pgTable("chain_cursor", {
  id: text("id").primaryKey(),
  block: bigint("block", { mode: "number" }).notNull(),
  blockHash: text("block_hash").notNull(),
  ...timestamps,
});

/** Every tournament event, as read from chain (the indexer's raw log). */
export const chainEvents = pgTable(
  "chain_events",
  {
    block: bigint("block", { mode: "number" }).notNull(),
    blockHash: text("block_hash").notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    name: text("name").notNull(),
    modelId: text("model_id"),
    account: text("account"),
    roundId: integer("round_id"),
    /** Decoded arguments, bigints as decimal strings. */
    args: text("args").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.txHash, t.logIndex] }),
    index("chain_events_block_idx").on(t.block),
    index("chain_events_model_idx").on(t.modelId),
    index("chain_events_account_idx").on(t.account),
  ],
);

/**
 * A staker's position in a model, read from chain (`positionDetails`) whenever an event touches
 * the model: joined shares not requested for unstake and their value now (what is at risk in
 * rounds that close from now on), and deposits still waiting to join (R1).
 */
export const positions = pgTable(
  "positions",
  {
    modelId: text("model_id").notNull(),
    staker: text("staker").notNull(),
    shares: uint("shares").notNull(),
    assets: uint("assets").notNull(),
    /** Deposits waiting to join the pool, token wei. */
    waitingAssets: uint("waiting_assets").notNull().default("0"),
    /** The round whose finalization the last waiting deposit waits for (0: none). */
    waitingUntilRound: integer("waiting_until_round").notNull().default(0),
    block: bigint("block", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.modelId, t.staker] }),
    index("positions_staker_idx").on(t.staker),
  ],
);

/**
 * A model's pool on chain (`modelStake`): total assets and shares, the value of the shares not
 * requested for unstake (active), deposits waiting to join and requested shares waiting to leave.
 */
export const modelStakes = pgTable("model_stakes", {
  modelId: text("model_id").primaryKey(),
  totalAssets: uint("total_assets").notNull(),
  totalShares: uint("total_shares").notNull(),
  activeAssets: uint("active_assets").notNull(),
  waitingAssets: uint("waiting_assets").notNull().default("0"),
  exitingShares: uint("exiting_shares").notNull().default("0"),
  block: bigint("block", { mode: "number" }).notNull(),
});

/** Unstake requests as indexed from chain. */
export const unstakeRequests = pgTable(
  "unstake_requests",
  {
    requestId: integer("request_id").primaryKey(),
    modelId: text("model_id").notNull(),
    staker: text("staker").notNull(),
    shares: uint("shares").notNull(),
    releaseRound: integer("release_round").notNull(),
    /** Withdrawable (or withdrawn): its release round is finalized or cancelled, or it had none. */
    released: boolean("released").notNull().default(false),
    /** Tokens owed as the chain reports them (`unstakeRequest`): exact once released. */
    assets: uint("assets"),
    withdrawn: boolean("withdrawn").notNull().default(false),
    withdrawnAssets: uint("withdrawn_assets"),
    block: bigint("block", { mode: "number" }).notNull(),
  },
  (t) => [
    index("unstake_requests_staker_idx").on(t.staker),
    index("unstake_requests_model_idx").on(t.modelId),
  ],
);

export type Position = typeof positions.$inferSelect;
export type ModelStake = typeof modelStakes.$inferSelect;
export type UnstakeRequestRow = typeof unstakeRequests.$inferSelect;
export type ChainEvent = typeof chainEvents.$inferSelect;
