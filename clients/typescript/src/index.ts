export { AuthClient, AUTH_MODE_HEADER, defaultMode } from "./client.js";
export type { AuthClientOptions, MfaSetupStarted, Mode, SignInStep } from "./client.js";
export { onChallenge, unhandled } from "./challenges.js";
export type { ChallengeHandlers } from "./challenges.js";
export { AuthApiError, unwrap } from "./errors.js";
export { memoryStore } from "./store.js";
export type { CredentialStore, StoredName } from "./store.js";
export type * from "./types.js";
export type { components, paths } from "./schema.js";
