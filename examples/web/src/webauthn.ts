// The browser's passkey ceremonies with the API's JSON: the options come as
// WebAuthn's *OptionsJSON (binary fields base64url), the answers go back as
// RegistrationResponseJSON / AuthenticationResponseJSON. Browsers with WebAuthn
// level 3's JSON helpers (PublicKeyCredential.parse*OptionsFromJSON, toJSON) use
// them; for the others the same conversion is done here.
import type { WebAuthnCredential } from "@auth-api/client";

type Json = Record<string, unknown>;

export function supported(): boolean {
  return typeof window.PublicKeyCredential === "function" && typeof navigator.credentials?.create === "function";
}

/** Asks the authenticator for a new passkey: navigator.credentials.create. */
export async function createPasskey(optionsJson: Json): Promise<WebAuthnCredential> {
  const publicKey =
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function"
      ? PublicKeyCredential.parseCreationOptionsFromJSON(optionsJson as unknown as PublicKeyCredentialCreationOptionsJSON)
      : creationOptions(optionsJson);
  const credential = await navigator.credentials.create({ publicKey });
  if (!(credential instanceof PublicKeyCredential)) throw new Error("The authenticator made no passkey.");
  return toJson(credential);
}

/** Asks the authenticator to sign the challenge with a passkey: navigator.credentials.get. */
export async function usePasskey(optionsJson: Json): Promise<WebAuthnCredential> {
  const publicKey =
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function"
      ? PublicKeyCredential.parseRequestOptionsFromJSON(optionsJson as unknown as PublicKeyCredentialRequestOptionsJSON)
      : requestOptions(optionsJson);
  const credential = await navigator.credentials.get({ publicKey });
  if (!(credential instanceof PublicKeyCredential)) throw new Error("No passkey was used.");
  return toJson(credential);
}

// Without the JSON helpers: base64url <-> bytes by hand.

export function fromBase64url(text: string): ArrayBuffer {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export function toBase64url(buffer: ArrayBuffer | ArrayBufferView): string {
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function descriptors(list: unknown): PublicKeyCredentialDescriptor[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return (list as { id: string; type: "public-key"; transports?: AuthenticatorTransport[] }[]).map((d) => ({ ...d, id: fromBase64url(d.id) }));
}

function creationOptions(json: Json): PublicKeyCredentialCreationOptions {
  const options = json as unknown as PublicKeyCredentialCreationOptionsJSON;
  const excludeCredentials = descriptors(options.excludeCredentials);
  return {
    ...(options as unknown as PublicKeyCredentialCreationOptions),
    challenge: fromBase64url(options.challenge),
    user: { ...options.user, id: fromBase64url(options.user.id) },
    ...(excludeCredentials ? { excludeCredentials } : {}),
  };
}

function requestOptions(json: Json): PublicKeyCredentialRequestOptions {
  const options = json as unknown as PublicKeyCredentialRequestOptionsJSON;
  const allowCredentials = descriptors(options.allowCredentials);
  return {
    ...(options as unknown as PublicKeyCredentialRequestOptions),
    challenge: fromBase64url(options.challenge),
    ...(allowCredentials ? { allowCredentials } : {}),
  };
}

function toJson(credential: PublicKeyCredential): WebAuthnCredential {
  if (typeof credential.toJSON === "function") return credential.toJSON() as WebAuthnCredential;
  const response = credential.response;
  const common = {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults() as Json,
    ...(credential.authenticatorAttachment ? { authenticatorAttachment: credential.authenticatorAttachment } : {}),
  };
  if (response instanceof AuthenticatorAttestationResponse) {
    return {
      ...common,
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        attestationObject: toBase64url(response.attestationObject),
        transports: response.getTransports?.() ?? [],
      },
    };
  }
  const assertion = response as AuthenticatorAssertionResponse;
  return {
    ...common,
    response: {
      clientDataJSON: toBase64url(assertion.clientDataJSON),
      authenticatorData: toBase64url(assertion.authenticatorData),
      signature: toBase64url(assertion.signature),
      ...(assertion.userHandle ? { userHandle: toBase64url(assertion.userHandle) } : {}),
    },
  };
}
