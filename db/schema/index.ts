export * from "./accounts";
export * from "./idempotency";
export * from "./jobs";
export * from "./models";
export * from "./rounds";
export * from "./scores";
export * from "./submissions";
export * from "./workers";
