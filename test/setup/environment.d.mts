// Types of environment.mjs (plain JavaScript so `npm test` runs it without a transpiler).
export declare const DEFAULT_TEST_DATABASE_URL: string;
export declare const DEFAULT_CHROMIUM: string;
export declare function testDatabaseUrl(env?: NodeJS.ProcessEnv): string;
export declare function chromiumPath(env?: NodeJS.ProcessEnv): string;
export declare function ensurePostgres(): Promise<void>;
export declare function ensureChromium(): void;
export declare function ensureTestEnvironment(): Promise<void>;
