// Names for the generated schema's types (src/schema.d.ts, from openapi.yaml).
import type { components } from "./schema.js";

type Schemas = components["schemas"];

export type AuthResult = Schemas["AuthResult"];
export type Tokens = Schemas["Tokens"];
export type Device = Schemas["Device"];
export type ChallengeName = Schemas["ChallengeName"];
export type Factor = Schemas["Factor"];
export type Problem = Schemas["Problem"];
export type ErrorCode = Schemas["ErrorCode"];
export type TotpSetup = Schemas["TotpSetup"];
export type FirstFactor = Schemas["FirstFactor"];
export type WebAuthnCredential = Schemas["WebAuthnCredential"];
export type Passkey = Schemas["Passkey"];
export type Reauthentication = Schemas["Reauthentication"];

/** A challenge of one name: what the step that answers it takes. */
export type ChallengeOf<N extends ChallengeName> = N extends ChallengeName ? Omit<Schemas["Challenge"], "name"> & { name: N } : never;

/** A challenge, as a union over its names: `switch (challenge.name)` narrows it. */
export type Challenge = ChallengeOf<ChallengeName>;

/** The MFA challenges answered with a code at /auth/mfa. */
export type CodeChallenge = ChallengeOf<"SMS_MFA" | "EMAIL_OTP" | "SOFTWARE_TOKEN_MFA">;

/** The passwordless code challenges, answered at /auth/passwordless/code. */
export type OtpChallenge = ChallengeOf<"EMAIL_OTP" | "SMS_OTP">;
