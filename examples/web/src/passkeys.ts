// The signed-in user's passkeys: the list, "Add a passkey" and delete. Both changes
// ask for a fresh proof first (step-up: the password, or a code emailed now), so
// that a stolen access token alone cannot add its thief's passkey or remove the user's.
import { unwrap, type Passkey, type Reauthentication } from "@auth-api/client";

import { auth } from "./auth.js";
import { $, onSubmit, show, showError, showNotice } from "./view.js";
import { createPasskey, supported } from "./webauthn.js";

type ShowHome = (notice?: string) => Promise<void>;

/** What the step-up screen confirms: shown to the person, then done with the proof. */
let pending: { purpose: string; run: (proof: Reauthentication) => Promise<void> } | null = null;
let totpOn = false;

/** Fills the home screen's list of passkeys. */
export async function passkeyList(userHasTotp: boolean): Promise<void> {
  totpOn = userHasTotp;
  const answer = await auth.api.GET("/auth/me/passkeys");
  const passkeys = answer.data?.passkeys ?? [];
  $("#passkeys").replaceChildren(...passkeys.map(item));
  if (!answer.data) $("#passkeys").textContent = "Your passkeys could not be listed.";
  else if (!passkeys.length) $("#passkeys").textContent = "No passkeys yet.";
  $("#add-passkey").hidden = !supported() || !answer.data;
}

let showHome: ShowHome = async () => {};

function item(passkey: Passkey): HTMLLIElement {
  const li = document.createElement("li");
  const added = new Date(passkey.createdAt).toLocaleString();
  li.textContent = `${passkey.friendlyName || "Passkey"}, added ${added}`;
  const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "Delete" });
  remove.setAttribute("aria-label", `Delete the passkey ${passkey.friendlyName || passkey.credentialId}`);
  remove.addEventListener("click", () =>
    stepUp("To delete this passkey", async (reauthentication) => {
      unwrap(await auth.api.DELETE("/auth/me/passkeys/{credentialId}", { params: { path: { credentialId: passkey.credentialId } }, body: { reauthentication } }));
      await showHome("The passkey is deleted.");
    }),
  );
  li.append(remove);
  return li;
}

function stepUp(purpose: string, run: (proof: Reauthentication) => Promise<void>): void {
  pending = { purpose, run };
  $("#reauth-purpose").textContent = `${purpose}, confirm it's you: your password, or a code we email you.`;
  $("#reauth-mfa").hidden = !totpOn;
  $("#reauth-email").hidden = true;
  $("#reauth-email-send").hidden = false;
  show("reauth");
}

async function confirm(proof: Reauthentication): Promise<void> {
  if (!pending) return showHome();
  // A refused proof throws here and the screen stays, for another try.
  await pending.run(proof);
  pending = null;
}

async function addPasskey(reauthentication: Reauthentication): Promise<void> {
  const started = unwrap(await auth.api.POST("/auth/me/passkeys/options", { body: { reauthentication } }));
  // The proof is spent: whatever happens next, the screen goes home.
  pending = null;
  try {
    const credential = await createPasskey(started.credentialCreationOptions);
    const added = unwrap(await auth.api.POST("/auth/me/passkeys", { body: { credential } }));
    await showHome(`Passkey added${added.friendlyName ? ` (${added.friendlyName})` : ""}. You can now sign in with it alone.`);
  } catch (error) {
    await showHome();
    showError(error instanceof DOMException ? "No passkey was made (cancelled, or this authenticator already has one here)." : error);
  }
}

export function setUpPasskeys(home: ShowHome): void {
  showHome = home;
  $("#add-passkey").addEventListener("click", () => stepUp("To add a passkey", addPasskey));
  onSubmit($("#reauth-password"), async ({ currentPassword = "", mfaCode = "" }) => {
    await confirm({ currentPassword, ...(mfaCode ? { mfaCode } : {}) });
  });
  onSubmit($("#reauth-email-send"), async () => {
    const sent = unwrap(await auth.api.POST("/auth/me/reauthentication", { body: {} }));
    $("#reauth-email-send").hidden = true;
    $("#reauth-email").hidden = false;
    $<HTMLInputElement>("#reauth-email input").focus();
    showNotice(`We emailed a code to ${sent.codeDelivery.destination ?? "your email address"}.`);
  });
  onSubmit($("#reauth-email"), async ({ emailCode = "" }) => {
    await confirm({ emailCode });
  });
}
