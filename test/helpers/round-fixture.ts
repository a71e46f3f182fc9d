import { formatEther, type Hex, parseEther } from "viem";
import { createAccount } from "../../api/domain/accounts";
import { createModel } from "../../api/domain/models";
import { closeRound, openRound, resolveRound } from "../../api/domain/rounds";
import { submitPredictions } from "../../api/domain/submit";
import type { Db } from "../../db";
import { rng } from "./common";
import type { LocalChain } from "./local-chain";

export { rng };

const bytes = (s: string) => new TextEncoder().encode(s);

export interface RoundFixture {
  round: number;
  /** The account owning the models. */
  accountId: string;
  ids: string[];
  targets: number[];
  models: { id: Hex; preds: number[] }[];
  /** Tokens each model has staked on it (summed over its stakers). */
  stakes: Map<Hex, bigint>;
  close(): Promise<void>;
  resolve(): Promise<void>;
}

/**
 * A round opened, submitted to, closed and resolved through the API's own actions
 * (api/domain: what the routes call), with `nModels` submissions; `stakeOn` stakes on chain.
 */
export async function roundFixture(
  db: Db,
  _lc: LocalChain,
  opts: {
    nModels: number;
    nRows: number;
    seed: number;
    stakeThreshold?: bigint;
    reuse?: RoundFixture;
  },
): Promise<RoundFixture> {
  const rand = rng(opts.seed);
  const ids = Array.from({ length: opts.nRows }, (_, i) => `r${String(i).padStart(5, "0")}`);
  const targets = ids.map(() => [0, 0.25, 0.5, 0.75, 1][Math.floor(rand() * 5)]!);
  const live = `id,feature_0\n${ids.map((id) => `${id},${rand()}`).join("\n")}\n`;
  const services = { db };
  const round = await openRound(services, {
    live: bytes(live),
    fields: {
      closesAt: new Date(Date.now() + 3_600_000).toISOString(),
      resolvesAt: new Date(Date.now() + 7_200_000).toISOString(),
      payoutCap: "0.05",
      corrMultiplier: "0.5",
      mmcMultiplier: "2",
      stakeThreshold: formatEther(opts.stakeThreshold ?? parseEther("72000")),
    },
  });
  const accountId =
    opts.reuse?.accountId ??
    (await createAccount(services, { name: `fixture-${opts.seed}-${round.number}` })).account.id;
  const models: RoundFixture["models"] = [];
  for (let m = 0; m < opts.nModels; m++) {
    const model = opts.reuse
      ? { id: opts.reuse.models[m]!.id }
      : await createModel(services, { accountId, name: `m${opts.seed}_${round.number}_${m}` });
    const skill = rand() * 2 - 1;
    const preds = targets.map((t) =>
      Math.min(1, Math.max(0, 0.5 + 0.3 * skill * (t - 0.5) + 0.35 * (rand() - 0.5))),
    );
    const csv = `id,prediction\n${ids.map((id, i) => `${id},${preds[i]}`).join("\n")}\n`;
    await submitPredictions(services, {
      accountId,
      modelId: model.id,
      round: round.number,
      contentType: "text/csv",
      predictions: bytes(csv),
    });
    models.push({ id: model.id as Hex, preds });
  }
  return {
    round: round.number,
    accountId,
    ids,
    targets,
    models,
    stakes: new Map(),
    async close() {
      await closeRound(services, { round: round.number });
    },
    async resolve() {
      const csv = `id,target\n${ids.map((id, i) => `${id},${targets[i]}`).join("\n")}\n`;
      await resolveRound(services, { round: round.number, targets: bytes(csv) });
    },
  };
}

/** Stakes from every staker on a few models each; records totals per model in `fx.stakes`. */
export async function stakeOn(lc: LocalChain, fx: RoundFixture, perStaker: number, seed: number) {
  const rand = rng(seed);
  for (let s = 0; s < lc.stakers.length; s++) {
    const staker = lc.staker(s);
    for (let k = 0; k < perStaker; k++) {
      const model = fx.models[Math.floor(rand() * fx.models.length)]!;
      const amount = parseEther(String(100 + Math.floor(rand() * 900)));
      await staker.stake(model.id, amount);
      fx.stakes.set(model.id, (fx.stakes.get(model.id) ?? 0n) + amount);
    }
  }
}
