import { createHash } from "node:crypto";
import { type Hex, parseEther } from "viem";
import {
  closeRoundNow,
  createAccount,
  createModel,
  createRound,
  createSubmission,
  type Db,
  publishTargets,
} from "../../db";
import { rng } from "./common";
import type { LocalChain } from "./local-chain";

export { rng };

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

export interface RoundFixture {
  round: number;
  ids: string[];
  targets: number[];
  models: { id: Hex; preds: number[] }[];
  /** Tokens each model has staked on it (summed over its stakers). */
  stakes: Map<Hex, bigint>;
  close(): Promise<void>;
  resolve(): Promise<void>;
}

/**
 * A round straight in the database (what the API would store) with `nModels` submissions and
 * `nStakers` staking on chain, each staker backing a few models.
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
  const round = await createRound(db, {
    liveCsv: live,
    liveSha256: sha(live),
    closesAt: new Date(Date.now() + 3_600_000),
    resolvesAt: new Date(Date.now() + 7_200_000),
    payoutCap: parseEther("0.05").toString(),
    corrMultiplier: parseEther("0.5").toString(),
    mmcMultiplier: parseEther("2").toString(),
    stakeThreshold: (opts.stakeThreshold ?? parseEther("72000")).toString(),
  });
  const { account } = await createAccount(db, `fixture-${opts.seed}-${round.number}`);
  const models: RoundFixture["models"] = [];
  for (let m = 0; m < opts.nModels; m++) {
    const model = opts.reuse
      ? { id: opts.reuse.models[m]!.id }
      : (await createModel(db, account.id, `m${opts.seed}_${round.number}_${m}`))!;
    const skill = rand() * 2 - 1;
    const preds = targets.map((t) =>
      Math.min(1, Math.max(0, 0.5 + 0.3 * skill * (t - 0.5) + 0.35 * (rand() - 0.5))),
    );
    const csv = `id,prediction\n${ids.map((id, i) => `${id},${preds[i]}`).join("\n")}\n`;
    await createSubmission(db, {
      modelId: model.id,
      round: round.number,
      canonicalCsv: csv,
      sha256: sha(csv),
      late: false,
    });
    models.push({ id: model.id as Hex, preds });
  }
  return {
    round: round.number,
    ids,
    targets,
    models,
    stakes: new Map(),
    async close() {
      await closeRoundNow(db, round.number);
    },
    async resolve() {
      const csv = `id,target\n${ids.map((id, i) => `${id},${targets[i]}`).join("\n")}\n`;
      await publishTargets(db, round.number, csv, sha(csv));
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
