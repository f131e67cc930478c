// Passwordless sign-in in the example app, in Chromium, against a local stack whose
// pool allows the first factors EMAIL_OTP, SMS_OTP and WEB_AUTHN (relying party
// localhost): sign-up without a password, sign-in by an emailed code, and passkeys
// made and used by Chromium's virtual authenticator (the DevTools protocol's WebAuthn
// domain), which signs for real.
import { expect, test, type Page } from "@playwright/test";

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
