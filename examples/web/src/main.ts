// The example app: how a web page signs people up and in with the Auth API's
// TypeScript client in cookie mode. Each step of a sign-in answers tokens or the
// next challenge; next() shows the screen that answers it.
import QRCode from "qrcode";
import {
  AuthApiError,
  onChallenge,
  unwrap,
  type ChallengeOf,
  type CodeChallenge,
  type Factor,
  type FirstFactor,
  type OtpChallenge,
  type SignInStep,
} from "@auth-api/client";

import { API_URL, auth, whenSignedOut } from "./auth.js";
import { passkeyList, setUpPasskeys } from "./passkeys.js";
import { $, onSubmit, show, showError } from "./view.js";
import { usePasskey } from "./webauthn.js";

// The challenge the screen on show answers (its session lives only in memory).
let newPasswordChallenge: ChallengeOf<"NEW_PASSWORD_REQUIRED"> | null = null;
let codeChallenge: CodeChallenge | null = null;
let selectChallenge: ChallengeOf<"SELECT_MFA_TYPE"> | null = null;
let otpChallenge: OtpChallenge | null = null;
// EMAIL_OTP is a second factor after a password (/auth/mfa) and a first factor
// without one (/auth/passwordless/code): which sign-in this is.
let signingIn: "password" | "passwordless" = "password";
// TOTP set-up: during a sign-in (the pool requires MFA), or by a signed-in user.
let totpSetup: { during: "sign-in"; challenge: ChallengeOf<"MFA_SETUP"> } | { during: "account"; currentPassword: string } | null = null;

// The name this browser has in the user's list of devices, when the pool remembers it.
const DEVICE_NAME = "Web browser";

const FACTORS: Record<string, { factor: Factor; label: string }> = {
  SOFTWARE_TOKEN_MFA: { factor: "totp", label: "Authenticator app" },
  SMS_MFA: { factor: "sms", label: "Text message" },
  EMAIL_OTP: { factor: "email", label: "Email" },
};

/** Shows what a sign-in step asks for next, or the signed-in page. */
async function next(step: SignInStep): Promise<void> {
  if (step.result === "tokens") return showHome();
  await onChallenge<Promise<void> | void>(step.challenge, {
    NEW_PASSWORD_REQUIRED: (challenge) => {
      newPasswordChallenge = challenge;
      show("new-password");
    },
    MFA_SETUP: async (challenge) => {
      const started = await auth.startMfaSetup(challenge);
      totpSetup = { during: "sign-in", challenge: started.challenge };
      await showTotpSetup(started.secret, started.otpauthUri);
    },
    SOFTWARE_TOKEN_MFA: (challenge) => askCode(challenge, "Enter the code from your authenticator app."),
    SMS_MFA: (challenge) => askCode(challenge, `Enter the code we texted to ${challenge.parameters.CODE_DELIVERY_DESTINATION ?? "your phone"}.`),
    EMAIL_OTP: (challenge) =>
      signingIn === "passwordless"
        ? askOtp(challenge, `If ${challenge.username} has an account with an email address, we emailed it a code. Enter it here.`)
        : askCode(challenge, `Enter the code we emailed to ${challenge.parameters.CODE_DELIVERY_DESTINATION ?? "you"}.`),
    SELECT_MFA_TYPE: (challenge) => {
      selectChallenge = challenge;
      $("#factors").replaceChildren(
        ...(challenge.parameters.MFAS_CAN_CHOOSE ?? []).flatMap((name, i) => {
          const known = FACTORS[name];
          if (!known) return [];
          const label = document.createElement("label");
          label.className = "choice";
          const input = Object.assign(document.createElement("input"), { type: "radio", name: "factor", value: known.factor, required: true, checked: i === 0 });
          label.append(input, ` ${known.label}`);
          return [label];
        }),
      );
      show("select-mfa");
    },
    // The passwordless sign-in: the page names the factor, so SELECT_CHALLENGE is not asked.
    SELECT_CHALLENGE: () => showLogin("Choose how to sign in."),
    SMS_OTP: (challenge) => askOtp(challenge, `If ${challenge.username} has an account with a phone number, we texted it a code. Enter it here.`),
    WEB_AUTHN: async (challenge) => {
      let credential;
      try {
        credential = await usePasskey(challenge.parameters.credentialRequestOptions ?? {});
      } catch (error) {
        // NotAllowedError: the person cancelled, or no passkey of this site is on the authenticator.
        console.error(error);
        return showLogin("No passkey was used. Try again, or sign in another way.", challenge.username);
      }
      try {
        await next(await auth.answerPasskey(challenge, credential, DEVICE_NAME));
      } catch (error) {
        // The API's detail is for developers; a person needs what to do next.
        if (!(error instanceof AuthApiError && error.code === "PASSKEY_REFUSED")) throw error;
        showLogin(undefined, challenge.username);
        showError("This passkey was not accepted (it may have been deleted from your account). Sign in another way.");
      }
    },
  });
}

function askOtp(challenge: OtpChallenge, prompt: string): void {
  otpChallenge = challenge;
  // A new challenge, a new code: not one typed for an earlier one (a wrong code stays for a retry).
  $<HTMLFormElement>("#otp form").reset();
  $("#otp-prompt").textContent = prompt;
  show("otp");
}

function askCode(challenge: CodeChallenge, prompt: string): void {
  codeChallenge = challenge;
  $<HTMLFormElement>("#mfa form").reset();
  $("#mfa-prompt").textContent = prompt;
  show("mfa");
}

async function showTotpSetup(secret: string, otpauthUri: string): Promise<void> {
  // The QR code holds the otpauth:// URI, which authenticator apps read.
  await QRCode.toCanvas($<HTMLCanvasElement>("#qr"), otpauthUri, { width: 220 });
  $("#totp-secret").textContent = secret;
  show("totp-setup");
}

async function showHome(notice?: string): Promise<void> {
  // auth.api sends the access token, and refreshes it (from the cookie) on a 401.
  const [me, mfa, devices] = await Promise.all([auth.api.GET("/auth/me"), auth.api.GET("/auth/me/mfa"), auth.api.GET("/auth/me/devices")]);
  if (!me.data) return showLogin("Your session ended; sign in again.");
  $("#me-username").textContent = me.data.username;
  $("#me-email").textContent = me.data.attributes["email"] ?? "no email";
  const totpOn = mfa.data?.factors.totp ?? false;
  $("#me-totp").textContent = totpOn ? "on" : "off";
  $("#start-totp").hidden = totpOn;
  $("#devices").replaceChildren(
    ...(devices.data?.devices ?? []).map((device) => {
      const item = document.createElement("li");
      const seen = device.lastUsedAt ? new Date(device.lastUsedAt).toLocaleString() : "never";
      item.textContent = `${device.name ?? "unnamed device"}${device.remembered ? " (remembered)" : ""}, last used ${seen}`;
      return item;
    }),
  );
  if (!devices.data?.devices.length) $("#devices").textContent = "No devices remembered.";
  await passkeyList(totpOn);
  show("home", notice);
}

function showLogin(notice?: string, username?: string): void {
  if (username) $<HTMLInputElement>("#login [name=username]").value = username;
  show("login", notice);
}

// Forms

onSubmit($("#login form"), async ({ username = "", password = "", with: factor = "password" }) => {
  if (!username) return void $<HTMLInputElement>("#login [name=username]").reportValidity();
  if (factor === "password") {
    signingIn = "password";
    return next(await auth.login({ username, password, deviceName: DEVICE_NAME }));
  }
  signingIn = "passwordless";
  await next(await auth.startPasswordless({ username, factor: factor as FirstFactor }));
});

onSubmit($("#otp form"), async ({ code = "" }) => {
  if (!otpChallenge) return showLogin();
  await next(await auth.answerPasswordlessCode(otpChallenge, code, DEVICE_NAME));
});

onSubmit($("#signup form"), async ({ username = "", email = "", password = "" }) => {
  // Without a password (where the deployment allows it) the user signs in with codes or passkeys.
  unwrap(await auth.public.POST("/auth/signup", { body: { username, email, ...(password ? { password } : {}) } }));
  $<HTMLInputElement>("#confirm [name=username]").value = username;
  show("confirm", `We sent a code to ${email}.`);
});

onSubmit($("#confirm form"), async ({ username = "", code = "" }) => {
  unwrap(await auth.public.POST("/auth/signup/confirm", { body: { username, code } }));
  showLogin("Your email is confirmed. Sign in.", username);
});

onSubmit($("#new-password form"), async ({ newPassword = "" }) => {
  if (!newPasswordChallenge) return showLogin();
  await next(await auth.newPassword(newPasswordChallenge, newPassword));
});

onSubmit($("#mfa form"), async ({ code = "" }) => {
  if (!codeChallenge) return showLogin();
  await next(await auth.answerMfa(codeChallenge, code, DEVICE_NAME));
});

onSubmit($("#select-mfa form"), async ({ factor = "" }) => {
  if (!selectChallenge) return showLogin();
  await next(await auth.chooseMfa(selectChallenge, factor as Factor));
});

onSubmit($("#start-totp"), async ({ currentPassword = "" }) => {
  const setup = unwrap(await auth.api.POST("/auth/me/mfa/totp", { body: { reauthentication: { currentPassword } } }));
  totpSetup = { during: "account", currentPassword };
  await showTotpSetup(setup.secret, setup.otpauthUri);
});

onSubmit($("#totp-setup form"), async ({ code = "" }) => {
  // The set-up is kept until a code is accepted: a wrong one may be retried.
  const setup = totpSetup;
  if (!setup) return showLogin();
  if (setup.during === "sign-in") {
    const step = await auth.finishMfaSetup(setup.challenge, code);
    totpSetup = null;
    return next(step);
  }
  unwrap(
    await auth.api.POST("/auth/me/mfa/totp/verify", {
      body: { code, deviceName: "Authenticator app", reauthentication: { currentPassword: setup.currentPassword } },
    }),
  );
  totpSetup = null;
  // Turning TOTP on signs the user out everywhere; logout clears this browser's cookies.
  await auth.logout().catch(() => {});
  showLogin("The authenticator is on. Sign in again with a code from it.");
});

$("#logout").addEventListener("click", async () => {
  await auth.logout().catch(() => {});
  showLogin("You are signed out.");
});

for (const link of document.querySelectorAll<HTMLElement>("[data-go]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const go = link.dataset["go"];
    if (go === "home") void showHome();
    else show(go === "signup" ? "signup" : "login");
  });
}

if (import.meta.env.DEV) {
  for (const hint of document.querySelectorAll<HTMLElement>("[data-dev-only]")) hint.hidden = false;
  for (const outbox of document.querySelectorAll<HTMLAnchorElement>("[data-outbox]")) outbox.href = outbox.textContent = `${API_URL}/_local/outbox`;
}

setUpPasskeys(showHome);

whenSignedOut(() => showLogin("Your session ended; sign in again."));

// On load the page has no access token: the refresh cookie, if any, gets one.
try {
  if (await auth.refresh()) await showHome();
  else showLogin();
} catch (error) {
  showLogin();
  showError(error instanceof AuthApiError ? error : `The API at ${API_URL} does not answer.`);
}
