// A switch over every challenge name compiles only while it names them all
// (ChallengeName is an enum in openapi.yaml): tsc --strict checks this file.
import { unhandled, type Challenge } from "../src/index.js";

export function screenFor(challenge: Challenge): string {
  switch (challenge.name) {
    case "NEW_PASSWORD_REQUIRED":
      return `new password (required: ${(challenge.parameters.requiredAttributes ?? []).join(", ")})`;
    case "MFA_SETUP":
      return "set up an authenticator";
    case "SMS_MFA":
    case "EMAIL_OTP":
      return `the code sent to ${challenge.parameters.CODE_DELIVERY_DESTINATION ?? "you"}`;
    case "SOFTWARE_TOKEN_MFA":
      return "the code from the authenticator";
    case "SELECT_MFA_TYPE":
      return `choose: ${(challenge.parameters.MFAS_CAN_CHOOSE ?? []).join(", ")}`;
    case "SELECT_CHALLENGE":
      return `sign in with: ${(challenge.parameters.factors ?? []).join(", ")}`;
    case "SMS_OTP":
      return "the code texted to you";
    case "WEB_AUTHN":
      return "use your passkey";
    default:
      return unhandled(challenge);
  }
}
