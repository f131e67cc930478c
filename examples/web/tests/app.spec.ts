// The example app in Chromium, end to end against the local stack, in cookie mode:
// sign-up to MFA sign-in, a reload that keeps the user signed in, the refresh token
// never within JavaScript's reach, and logout clearing the cookies.
import { expect, test } from "@playwright/test";

import { admin, DEVICE_COOKIE, qrCode, REFRESH_COOKIE, sessionCookies, shot, totpCode } from "./helpers.ts";
import { expectNoRefreshTokenInReach, watch } from "./reach.ts";
import { startAll, type Started } from "./servers.ts";

let started: Started;

test.beforeAll(async () => {
  started = await startAll({
    clientSecret: true,
    allowSignUp: true,
    admin,
    mfa: { MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } },
    pool: { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false } },
  });
});

test.afterAll(() => started?.stop());

test("GIVEN the app WHEN a new user signs up, confirms, sets up TOTP and signs in with it THEN the refresh token stays in HttpOnly cookies, a reload keeps them signed in and logout clears the cookies", async ({ page, context }) => {
  const { stack, api, app } = started;
  const totp = (secret: string, stepsAhead: number) => totpCode(stack, secret, stepsAhead);
  const watched = watch(context, api);
  const username = "sam";
  const password = "Sign-Up-Passw0rd";

  await test.step("sign up", async () => {
    await page.goto(app.url);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await shot(page, "01-sign-in");
    await page.getByRole("link", { name: "Sign up" }).click();
    const form = page.locator("#signup");
    await form.getByLabel("Username").fill(username);
    await form.getByLabel("Email").fill(`${username}@example.com`);
    await form.getByLabel("Password").fill(password);
    await shot(page, "02-sign-up");
    await form.getByRole("button", { name: "Sign up" }).click();
    await expect(page.getByRole("heading", { name: "Confirm your email" })).toBeVisible();
    await expect(page.locator("#confirm").getByRole("link", { name: /_local\/outbox$/ })).toBeVisible();
  });

  await test.step("confirm with the code from the outbox", async () => {
    await page.locator("#confirm").getByLabel("Code").fill(await stack.code(username, "sign_up"));
    await shot(page, "03-confirm");
    await page.locator("#confirm").getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByRole("status")).toHaveText("Your email is confirmed. Sign in.");
  });

  await test.step("log in", async () => {
    await expect(page.locator("#login").getByLabel("Username")).toHaveValue(username);
    await page.locator("#login").getByLabel("Password").fill(password);
    await page.locator("#login").getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
    await expect(page.locator("#me-username")).toHaveText(username);
    const refresh = (await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE);
    expect(refresh.length, "one refresh cookie per path: /auth/refresh and /auth/logout").toBe(2);
    for (const cookie of refresh) expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict" });
    await expectNoRefreshTokenInReach(page, watched);
  });

  await test.step("set up TOTP with the QR code", async () => {
    await page.locator("#start-totp").getByLabel("Current password").fill(password);
    const [setup] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/auth/me/mfa/totp")).then((r) => r.json() as Promise<{ otpauthUri: string }>),
      page.getByRole("button", { name: "Set up authenticator" }).click(),
    ]);
    await expect(page.getByRole("heading", { name: "Set up an authenticator app" })).toBeVisible();
    expect(await qrCode(page), "the QR code holds the otpauth URI").toBe(setup.otpauthUri);
    const secret = (await page.locator("#totp-secret").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await shot(page, "04-totp-setup");
    await page.locator("#totp-setup").getByLabel("Code").fill(await totp(secret, 0));
    await page.locator("#totp-setup").getByRole("button", { name: "Turn on" }).click();
    // TOTP on signs the user out everywhere; the app logs out, which clears the refresh cookies.
    await expect(page.getByRole("status")).toHaveText("The authenticator is on. Sign in again with a code from it.");
    expect((await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE)).toEqual([]);

    await test.step("MFA sign-in", async () => {
      await page.locator("#login").getByLabel("Username").fill(username);
      await page.locator("#login").getByLabel("Password").fill(password);
      await page.locator("#login").getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByText("Enter the code from your authenticator app.")).toBeVisible();
      await shot(page, "05-mfa");
      // A wrong code (five steps ahead: outside the window) is shown, and the session kept for another try.
      await page.locator("#mfa").getByLabel("Code").fill(await totp(secret, 5));
      await page.locator("#mfa").getByRole("button", { name: "Verify" }).click();
      await expect(page.getByRole("alert")).toBeVisible();
      await shot(page, "05b-mfa-wrong-code");
      await page.locator("#mfa").getByLabel("Code").fill(await totp(secret, 1));
      await page.locator("#mfa").getByRole("button", { name: "Verify" }).click();
      await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
      await expect(page.locator("#me-totp")).toHaveText("on");
    });
  });

  await test.step("a reload keeps the user signed in", async () => {
    await page.reload();
    await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
    await expect(page.locator("#me-username")).toHaveText(username);
    await expectNoRefreshTokenInReach(page, watched);
  });

  await test.step("devices", async () => {
    await expect(page.locator("#devices li")).toHaveCount(1);
    await expect(page.locator("#devices li")).toContainText("Web browser (remembered)");
    expect((await sessionCookies(context)).filter((c) => c.name === DEVICE_COOKIE).length, "the remembered device's cookies").toBe(2);
    await shot(page, "06-signed-in");
  });

  await test.step("this browser, remembered, signs in without a code (the device cookie)", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page.getByRole("status")).toHaveText("You are signed out.");
    await page.locator("#login").getByLabel("Username").fill(username);
    await page.locator("#login").getByLabel("Password").fill(password);
    await page.locator("#login").getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
    await expectNoRefreshTokenInReach(page, watched);
  });

  await test.step("log out", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page.getByRole("status")).toHaveText("You are signed out.");
    expect((await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE), "logout cleared the refresh cookies").toEqual([]);
    await shot(page, "07-signed-out");
    await page.reload();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expectNoRefreshTokenInReach(page, watched);
  });
});

