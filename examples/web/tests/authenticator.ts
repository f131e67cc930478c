// Chromium's virtual authenticator, through the DevTools protocol's WebAuthn domain:
// a platform authenticator (ctap2, internal) that keeps discoverable credentials,
// verifies its user and signs for real, with no person to touch it.
import type { BrowserContext, CDPSession, Page } from "@playwright/test";

export interface StoredCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  userHandle?: string;
  signCount: number;
}

export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
  /** The passkeys it holds (credentialId base64, not base64url). */
  credentials(): Promise<StoredCredential[]>;
}

/** Adds a virtual authenticator to the page's browser tab; it lives as long as the tab. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<VirtualAuthenticator> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      // The "touch": every ceremony is approved at once.
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    authenticatorId,
    async credentials() {
      return (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials as StoredCredential[];
    },
  };
}

/** base64 (what the DevTools protocol answers) as base64url (what WebAuthn's JSON carries). */
export function base64url(base64: string): string {
  return base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
