export { type Deployment, type DeployOptions, deployContracts } from "./deploy";
export {
  stakeTokenAbi,
  stakeTokenBytecode,
  tournamentAbi,
  tournamentBytecode,
} from "./generated/abi";
export { EMPTY_ROOT, type ScoreLeaf, scoresTree, submissionsTree } from "./merkle";
