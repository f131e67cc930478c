// The request bodies README.md, docs/api.md and openapi.yaml document, typed with the
// generated schema: tsc --strict (scripts/contract.sh) fails if one no longer fits,
// as `{refreshToken}` did when a field's `default` made `everywhere` required.
import type { components } from "../src/schema.js";

type S = components["schemas"];

export const documented: {
  logout: S["LogoutRequest"][];
  login: S["LoginRequest"][];
  createUser: S["CreateUserRequest"][];
  mfa: S["MfaAnswerRequest"][];
  refresh: S["RefreshRequest"][];
  updateMfa: S["MfaUpdateRequest"][];
  reauthentication: S["ReauthenticationOnly"][];
  signUp: S["SignUpRequest"][];
} = {
  logout: [{ refreshToken: "eyJjdHkiOiJKV1QiLCJlbmMi..." }, { everywhere: true }],
  login: [{ username: "jane", password: "Temp-Passw0rd-1" }, { username: "jane", password: "p", deviceKey: "AQE3XJv1tW0cY5x8kQ2mZr7", deviceName: "Jane's phone" }],
  createUser: [{ email: "jane@example.com" }, { email: "jane@example.com", username: "jane", temporaryPassword: "Temp-Passw0rd-1", sendInvitation: false }],
  mfa: [
    { username: "jane", session: "AYABeCw9fQ2mZr7kX1sH...", challenge: "SOFTWARE_TOKEN_MFA", code: "123456" },
    { username: "jane", session: "AYABeCw9fQ2mZr7kX1sH...", challenge: "SELECT_MFA_TYPE", factor: "totp" },
  ],
  refresh: [{ refreshToken: "eyJjdHkiOiJKV1QiLCJlbmMi..." }, { refreshToken: "eyJjdHkiOiJKV1QiLCJlbmMi...", deviceKey: "AQE3XJv1tW0cY5x8kQ2mZr7" }],
  updateMfa: [{ totp: true }, { sms: false, reauthentication: { currentPassword: "Brand-New-Passw0rd" } }, { preferred: "totp", reauthentication: { emailCode: "123456" } }],
  reauthentication: [{ reauthentication: { currentPassword: "Brand-New-Passw0rd" } }],
  signUp: [{ email: "sam@example.com", password: "Sign-Up-Passw0rd" }, { username: "sam", email: "sam@example.com", password: "Sign-Up-Passw0rd" }],
};
