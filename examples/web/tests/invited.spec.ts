// An invited user in a pool that requires MFA, in the example app: the first
// sign-in replaces the temporary password, then sets up TOTP from the QR code
// (the MFA_SETUP challenge), and ends signed in.
import { expect, test } from "@playwright/test";

import { admin, qrCode, REFRESH_COOKIE, sessionCookies, shot, totpCode } from "./helpers.ts";
import { startAll, type Started, type Stack } from "./servers.ts";

let started: Started;
let stack: Stack;
let app: Started["app"];

test.beforeAll(async () => {
  started = await startAll({ clientSecret: true, admin, mfa: { MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } } });
  ({ stack, app } = started);
});

test.afterAll(() => started?.stop());

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const answer = await fetch(`${stack.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: answer.status, body: await answer.json().catch(() => null) };
}

/** The administrator's access token: in this pool the admin sets up TOTP on the way in too. */
async function adminToken(): Promise<string> {
  const login = await post("/auth/login", { username: admin.username, password: admin.password });
  expect(login.body?.challenge?.name).toBe("MFA_SETUP");
  const setup = await post("/auth/mfa/setup", { username: admin.username, session: login.body.challenge.session });
  const code = await totpCode(stack, setup.body.secret, 0);
  const done = await post("/auth/mfa/setup/verify", { username: admin.username, session: setup.body.session, code });
  expect(done.body?.result).toBe("tokens");
  return done.body.tokens.accessToken;
}

test("GIVEN an invited user in a pool that requires MFA WHEN they first sign in THEN the app asks for a new password, sets up TOTP from the QR code, and signs them in", async ({ page, context }) => {
  const created = await post(
    "/auth/users",
    { username: "nina", email: "nina@example.com", temporaryPassword: "Temp-Passw0rd-1", sendInvitation: false },
    { authorization: `Bearer ${await adminToken()}` },
  );
  expect(created.status).toBe(201);

  await page.goto(app.url);
  await page.locator("#login").getByLabel("Username").fill("nina");
  await page.locator("#login").getByLabel("Password").fill("Temp-Passw0rd-1");
  await page.locator("#login").getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.locator("#new-password").getByLabel("New password").fill("Nina-Passw0rd-2");
  await shot(page, "08-new-password");

  const [setup] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/auth/mfa/setup")).then((r) => r.json() as Promise<{ secret: string; otpauthUri: string }>),
    page.locator("#new-password").getByRole("button", { name: "Set password" }).click(),
  ]);
  await expect(page.getByRole("heading", { name: "Set up an authenticator app" })).toBeVisible();
  expect(await qrCode(page), "the QR code holds the otpauth URI").toBe(setup.otpauthUri);
  await expect(page.locator("#totp-secret")).toHaveText(setup.secret);
  await shot(page, "09-mfa-setup-at-sign-in");
  await page.locator("#totp-setup").getByLabel("Code").fill(await totpCode(stack, setup.secret, 0));
  await page.locator("#totp-setup").getByRole("button", { name: "Turn on" }).click();

  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  await expect(page.locator("#me-username")).toHaveText("nina");
  await expect(page.locator("#me-totp")).toHaveText("on");
  expect((await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE).length).toBe(2);
  await page.reload();
  await expect(page.locator("#me-username")).toHaveText("nina");
});
