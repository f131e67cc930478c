// Passwordless sign-in in the example app, in Chromium, against a local stack whose
// pool allows the first factors EMAIL_OTP, SMS_OTP and WEB_AUTHN (relying party
// localhost): sign-up without a password, sign-in by an emailed code, by a texted code
// (to a verified phone number the back end set), and passkeys made and used by
// Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain), which
// signs for real.
import { expect, test, type Page } from "@playwright/test";

import { addVirtualAuthenticator, base64url, type VirtualAuthenticator } from "./authenticator.ts";
import { REFRESH_COOKIE, sessionCookies, shot } from "./helpers.ts";
import { expectNoRefreshTokenInReach, watch } from "./reach.ts";
import { startAll, type Started } from "./servers.ts";

let started: Started;

test.beforeAll(async () => {
  started = await startAll({ clientSecret: true, allowSignUp: true, passwordless: true });
});

test.afterAll(() => started?.stop());

/** Signs up `username` without a password and confirms the email, through the app. */
async function signUpWithoutPassword(page: Page, username: string, screenshots: boolean): Promise<void> {
  await page.goto(started.app.url);
  await page.getByRole("link", { name: "Sign up" }).click();
  const form = page.locator("#signup");
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Email").fill(`${username}@example.com`);
  if (screenshots) await shot(page, "passkeys-01-sign-up-without-password");
  await form.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Confirm your email" })).toBeVisible();
  await page.locator("#confirm").getByLabel("Code").fill(await started.stack.code(username, "sign_up"));
  await page.locator("#confirm").getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("status")).toHaveText("Your email is confirmed. Sign in.");
}

/** From the sign-in screen: "Email me a code", the code from the outbox, signed in. */
async function signInByEmailedCode(page: Page, username: string, screenshots: boolean): Promise<void> {
  const login = page.locator("#login");
  await login.getByLabel("Username").fill(username);
  if (screenshots) await shot(page, "passkeys-02-sign-in-choices");
  await login.getByRole("button", { name: "Email me a code" }).click();
  await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
  // The page says how the code travels, never where: the API tells no one whose username this is.
  await expect(page.locator("#otp-prompt")).toHaveText(`If ${username} has an account with an email address, we emailed it a code. Enter it here.`);
  const code = await started.stack.code(username, "otp");
  if (screenshots) {
    await shot(page, "passkeys-03-emailed-code");
    // A wrong code is shown, and the same challenge may be answered again.
    const wrong = String((Number(code) + 1) % 10 ** code.length).padStart(code.length, "0");
    await page.locator("#otp").getByLabel("Code").fill(wrong);
    await page.locator("#otp").getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    await shot(page, "passkeys-04-wrong-code");
  }
  await page.locator("#otp").getByLabel("Code").fill(code);
  await page.locator("#otp").getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  await expect(page.locator("#me-username")).toHaveText(username);
}

/** Signed in: "Add a passkey", the step-up by an emailed code, the authenticator makes it, listed. */
async function addPasskey(page: Page, username: string, screenshots: boolean): Promise<void> {
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  await expect(page.locator("#reauth-purpose")).toHaveText("To add a passkey, confirm it's you: your password, or a code we email you.");
  await expect(page.locator("#reauth-mfa"), "no authenticator code asked of a user without TOTP").toBeHidden();
  if (screenshots) await shot(page, "passkeys-06-step-up");
  await page.locator("#reauth").getByRole("button", { name: "Email me a code" }).click();
  await expect(page.getByRole("status")).toHaveText(/^We emailed a code to .+\.$/);
  await page.locator("#reauth").getByLabel("Code from the email").fill(await started.stack.code(username, "attribute_verification"));
  if (screenshots) await shot(page, "passkeys-07-step-up-emailed-code");
  await page.locator("#reauth").getByRole("button", { name: "Confirm with code" }).click();
  await expect(page.getByRole("status")).toHaveText(/^Passkey added( \(.+\))?\. You can now sign in with it alone\.$/);
  await expect(page.locator("#passkeys li")).toHaveCount(1);
}

/** From the sign-in screen: the username, "Use a passkey"; the authenticator answers at once. */
async function signInWithPasskey(page: Page, username: string): Promise<void> {
  await page.locator("#login").getByLabel("Username").fill(username);
  await page.locator("#login").getByRole("button", { name: "Use a passkey" }).click();
}

interface Sent {
  username: string;
  kind: string;
  deliveryMedium: string;
  destination: string;
  code: string;
}

/** What was sent to a user, from the outbox. */
async function sent(username: string): Promise<Sent[]> {
  const outbox = (await (await fetch(`${started.stack.url}/_local/outbox`)).json()) as Sent[];
  return outbox.filter((m) => m.username === username);
}

/** Sent codes of a kind for a user, from the outbox. */
async function sentCodes(username: string, kind: string): Promise<number> {
  return (await sent(username)).filter((m) => m.kind === kind).length;
}

/**
 * What a back end or an administrator does, since the API has no route that adds a phone
 * number (a number typed at sign-up would be unverified, and Cognito texts no code to
 * one): AdminUpdateUserAttributes with `phone_number` and `phone_number_verified`. The
 * local Cognito takes admin calls unsigned (a real pool wants AWS credentials), and a web
 * ACL would not see them (they are not among Cognito's public operations).
 */
async function giveVerifiedPhoneNumber(username: string, phoneNumber: string): Promise<void> {
  const answer = await fetch(started.stack.cognitoUrl, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.AdminUpdateUserAttributes" },
    body: JSON.stringify({
      UserPoolId: started.stack.userPoolId,
      Username: username,
      UserAttributes: [
        { Name: "phone_number", Value: phoneNumber },
        { Name: "phone_number_verified", Value: "true" },
      ],
    }),
  });
  if (!answer.ok) throw new Error(`AdminUpdateUserAttributes answered ${answer.status}: ${await answer.text()}`);
}

test("GIVEN passwordless sign-in WHEN a user signs up without a password and signs in with an emailed code THEN they are signed in in cookie mode, and stay so after a reload", async ({ page, context }) => {
  const { api } = started;
  const watched = watch(context, api);
  const username = "robin";

  await test.step("sign up without a password", () => signUpWithoutPassword(page, username, true));

  await test.step("a stranger's username gets the same screen, and no code is sent", async () => {
    await page.locator("#login").getByLabel("Username").fill("nobody-here");
    await page.locator("#login").getByRole("button", { name: "Email me a code" }).click();
    await expect(page.locator("#otp-prompt")).toHaveText("If nobody-here has an account with an email address, we emailed it a code. Enter it here.");
    await page.locator("#otp").getByLabel("Code").fill("12345678");
    await page.locator("#otp").getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    await expect(started.stack.code("nobody-here", "otp")).rejects.toThrow(/no otp message/);
    await page.locator("#otp").getByRole("link", { name: "Back" }).click();
  });

  await test.step("sign in with an emailed code", () => signInByEmailedCode(page, username, true));

  await test.step("the refresh token is in HttpOnly cookies only", async () => {
    const refresh = (await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE);
    expect(refresh.length, "one refresh cookie per path: /auth/refresh and /auth/logout").toBe(2);
    for (const cookie of refresh) expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict" });
    await expectNoRefreshTokenInReach(page, watched);
    await shot(page, "passkeys-05-signed-in-by-code");
  });

  await test.step("a reload keeps the user signed in; logout signs out", async () => {
    await page.reload();
    await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page.getByRole("status")).toHaveText("You are signed out.");
    expect((await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE)).toEqual([]);
    await expectNoRefreshTokenInReach(page, watched);
  });
});

test("GIVEN a user signed up without a password WHEN the back end gives them a verified phone number and they sign in by a texted code alone THEN they are signed in in cookie mode, with no email sent, and the code screen never says where the code went", async ({ page, context }) => {
  const { api } = started;
  const watched = watch(context, api);
  const username = "sam";
  const phoneNumber = "+15555550123";
  const textedPrompt = `If ${username} has an account with a phone number, we texted it a code. Enter it here.`;
  const login = page.locator("#login");

  await test.step("sign up without a password", () => signUpWithoutPassword(page, username, false));

  await test.step("without a phone number, \"Text me a code\" shows the same screen as ever, and nothing is sent", async () => {
    await login.getByLabel("Username").fill(username);
    await login.getByRole("button", { name: "Text me a code" }).click();
    await expect(page.locator("#otp-prompt")).toHaveText(textedPrompt);
    await page.locator("#otp").getByLabel("Code").fill("123456");
    await page.locator("#otp").getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    expect(await sentCodes(username, "otp"), "no code texted (no number) nor emailed instead").toBe(0);
    await page.locator("#otp").getByRole("link", { name: "Back" }).click();
  });

  await test.step("the back end sets a verified phone number", () => giveVerifiedPhoneNumber(username, phoneNumber));

  await test.step("sign in by \"Text me a code\" alone: the code is texted to the number, not emailed", async () => {
    await login.getByLabel("Username").fill(username);
    await login.getByRole("button", { name: "Text me a code" }).click();
    await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
    // How the code travels, never where: not the number, not even masked.
    await expect(page.locator("#otp-prompt")).toHaveText(textedPrompt);
    await expect(page.locator("body")).not.toContainText("0123");
    await expect(page.locator("#otp").getByLabel("Code"), "not the code typed for the earlier challenge").toHaveValue("");
    const codes = (await sent(username)).filter((m) => m.kind === "otp");
    expect(codes.map(({ deliveryMedium, destination }) => ({ deliveryMedium, destination }))).toEqual([{ deliveryMedium: "SMS", destination: phoneNumber }]);
    await shot(page, "passkeys-12-texted-code");
    await page.locator("#otp").getByLabel("Code").fill(codes[0]?.code ?? "");
    await page.locator("#otp").getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
    await expect(page.locator("#me-username")).toHaveText(username);
    expect((await sent(username)).filter((m) => m.kind === "otp" && m.deliveryMedium !== "SMS"), "no code emailed").toEqual([]);
  });

  await test.step("the refresh token is in HttpOnly cookies only; a reload keeps the user signed in; logout", async () => {
    const refresh = (await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE);
    expect(refresh.length, "one refresh cookie per path: /auth/refresh and /auth/logout").toBe(2);
    for (const cookie of refresh) expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict" });
    await expectNoRefreshTokenInReach(page, watched);
    await shot(page, "passkeys-13-signed-in-by-texted-code");
    await page.reload();
    await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page.getByRole("status")).toHaveText("You are signed out.");
    expect((await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE)).toEqual([]);
  });
});

test("GIVEN a user signed in by an emailed code WHEN they add a passkey, log out and sign in with the passkey alone THEN they are signed in with no code sent, also where the browser lacks WebAuthn's JSON helpers, and a deleted passkey is refused", async ({ page, context }) => {
  const { api } = started;
  const watched = watch(context, api);
  const username = "kim";
  const authenticator = await addVirtualAuthenticator(context, page);

  await test.step("sign up and sign in with an emailed code", async () => {
    await signUpWithoutPassword(page, username, false);
    await signInByEmailedCode(page, username, false);
    await expect(page.locator("#passkeys")).toHaveText("No passkeys yet.");
  });

  await test.step("add a passkey after a step-up by an emailed code", async () => {
    await addPasskey(page, username, true);
    const [stored] = await authenticator.credentials();
    expect(stored, "the authenticator keeps a discoverable passkey for the relying party localhost").toMatchObject({ rpId: "localhost", isResidentCredential: true });
    await expect(page.locator("#passkeys li")).toContainText("added");
    await shot(page, "passkeys-08-passkey-added");
  });

  await test.step("log out, and sign in with the passkey alone: no code is sent", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page.getByRole("status")).toHaveText("You are signed out.");
    const codesBefore = await sentCodes(username, "otp");
    const signCount = (await authenticator.credentials())[0]?.signCount ?? 0;
    await signInWithPasskey(page, username);
    await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
    await expect(page.locator("#me-username")).toHaveText(username);
    expect(await sentCodes(username, "otp"), "no code was sent").toBe(codesBefore);
    expect((await authenticator.credentials())[0]?.signCount, "the authenticator signed").toBeGreaterThan(signCount);
    const refresh = (await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE);
    for (const cookie of refresh) expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict" });
    await expectNoRefreshTokenInReach(page, watched);
    await shot(page, "passkeys-09-signed-in-with-passkey");
  });

  await test.step("a browser without PublicKeyCredential's JSON helpers: the app converts base64url itself", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.addInitScript(() => {
      const pkc = PublicKeyCredential as unknown as Record<string, unknown>;
      delete pkc["parseRequestOptionsFromJSON"];
      delete pkc["parseCreationOptionsFromJSON"];
      delete (PublicKeyCredential.prototype as unknown as Record<string, unknown>)["toJSON"];
    });
    await page.reload();
    expect(await page.evaluate(() => typeof PublicKeyCredential.parseRequestOptionsFromJSON)).toBe("undefined");
    await signInWithPasskey(page, username);
    await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  });

  await test.step("delete the passkey (step-up), and it no longer signs in", async () => {
    await page.getByRole("button", { name: /^Delete the passkey/ }).click();
    await expect(page.locator("#reauth-purpose")).toHaveText("To delete this passkey, confirm it's you: your password, or a code we email you.");
    await page.locator("#reauth").getByRole("button", { name: "Email me a code" }).click();
    // Sent: else the outbox's newest code could still be the one the passkey's adding used.
    await expect(page.getByRole("status")).toHaveText(/^We emailed a code to .+\.$/);
    await page.locator("#reauth").getByLabel("Code from the email").fill(await started.stack.code(username, "attribute_verification"));
    await page.locator("#reauth").getByRole("button", { name: "Confirm with code" }).click();
    await expect(page.getByRole("status")).toHaveText("The passkey is deleted.");
    await expect(page.locator("#passkeys")).toHaveText("No passkeys yet.");
    await page.getByRole("button", { name: "Log out" }).click();
    // The authenticator still holds it and signs; the API refuses it.
    await signInWithPasskey(page, username);
    await expect(page.getByRole("alert")).toHaveText("This passkey was not accepted (it may have been deleted from your account). Sign in another way.");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await shot(page, "passkeys-10-deleted-passkey-refused");
  });
});

test("GIVEN a user with a passkey WHEN another site gets a sign-in challenge for them and has this browser's authenticator answer it THEN the browser will not use the user's passkey there, and the API refuses that site's passkey", async ({ page, context }) => {
  const { stack, app } = started;
  const username = "lee";
  const authenticator = await addVirtualAuthenticator(context, page);
  await signUpWithoutPassword(page, username, false);
  await signInByEmailedCode(page, username, false);
  await addPasskey(page, username, false);
  const [users] = await authenticator.credentials();
  if (!users) throw new Error("no passkey was made");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("status")).toHaveText("You are signed out.");

  // Another site, https (a secure context, as WebAuthn needs), served by the test.
  await page.route("https://evil.test/**", (route) =>
    route.fulfill({ contentType: "text/html", body: "<!doctype html><title>Sign in</title><h1>Sign in to Examp1e</h1><p>Another site: it asks this browser's authenticator to answer a challenge it got from the API for someone else's username.</p>" }),
  );
  await page.goto("https://evil.test/");
  await shot(page, "passkeys-11-another-site");

  // What a phishing site's server does: start a passkey sign-in for the user, as anyone can.
  const start = async () => {
    const answer = await fetch(`${stack.url}/auth/passwordless`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, factor: "passkey" }) });
    expect(answer.status).toBe(200);
    return ((await answer.json()) as { challenge: { session: string; parameters: { credentialRequestOptions: { challenge: string } } } }).challenge;
  };
  const answerWith = async (session: string, credential: unknown) => {
    const answer = await fetch(`${stack.url}/auth/passwordless/passkey`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, session, credential }) });
    return { status: answer.status, body: (await answer.json()) as { code?: string; tokens?: unknown } };
  };

  await test.step("the browser does not let another site use the user's passkey (relying party localhost)", async () => {
    const challenge = await start();
    const error = await page.evaluate(async (options) => {
      try {
        await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        return "signed";
      } catch (error) {
        return (error as DOMException).name;
      }
    }, challenge.parameters.credentialRequestOptions as PublicKeyCredentialRequestOptionsJSON);
    expect(error).toBe("SecurityError");
  });

  await test.step("the site's own passkey (relying party evil.test) answering the user's challenge is refused", async () => {
    await page.evaluate(async (username) => {
      const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
      await navigator.credentials.create({
        publicKey: {
          challenge: random(32),
          rp: { id: "evil.test", name: "Examp1e" },
          user: { id: random(16), name: username, displayName: username },
          pubKeyCredParams: [{ type: "public-key", alg: -7 }],
          authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
        },
      });
    }, username);
    // The API's challenge signed by the site's passkey: a well-formed assertion, for the wrong relying party and origin.
    const signHere = (challenge: string) =>
      page.evaluate(async (challenge) => {
        const options = PublicKeyCredential.parseRequestOptionsFromJSON({ challenge, rpId: "evil.test", userVerification: "preferred" });
        const credential = (await navigator.credentials.get({ publicKey: options })) as PublicKeyCredential;
        return credential.toJSON() as { id: string; rawId: string };
      }, challenge);

    const first = await start();
    const refused = await answerWith(first.session, await signHere(first.parameters.credentialRequestOptions.challenge));
    expect(refused).toMatchObject({ status: 400, body: { code: "PASSKEY_REFUSED" } });
    expect(refused.body.tokens).toBeUndefined();

    // The same under the id of the user's own passkey: refused too (not the user's key, nor relying party).
    const second = await start();
    const userId = base64url(users.credentialId);
    const disguised = await answerWith(second.session, { ...(await signHere(second.parameters.credentialRequestOptions.challenge)), id: userId, rawId: userId });
    expect(disguised).toMatchObject({ status: 400, body: { code: "PASSKEY_REFUSED" } });
    expect(disguised.body.tokens).toBeUndefined();
  });

  await test.step("the user's passkey still signs in at the app", async () => {
    await page.goto(app.url);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await signInWithPasskey(page, username);
    await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  });
});
