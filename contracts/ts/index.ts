export { type Deployment, type DeployOptions, deployContracts } from "./deploy";
export {
  stakeTokenAbi,
  stakeTokenBytecode,
  tournamentAbi,
  tournamentBytecode,
} from "./generated/abi";
export {
  EMPTY_ROOT,
  type ScoreLeaf,
  type ScoresTree,
  type SettleBatch,
  scoresMultiProof,
  scoresRoot,
  scoresTree,
  submissionsTree,
  verifyScoresMultiProof,
} from "./merkle";
