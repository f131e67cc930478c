// The local console (http://localhost:PORT/_local/ on the local server, docs/console.md)
// in Chromium: a user who signs up through the API shows as UNCONFIRMED, their code
// shows in the inbox and copies, the developer confirms, disables, enables and deletes
// them, moves the clock, reads the pool's settings and resets the pool. The page never
// gets the caller key nor the client secret, and a page of another origin cannot act.
import { randomBytes } from "node:crypto";

import { expect, test, type Page } from "@playwright/test";

import { admin, shot, totpCode } from "./helpers.ts";
import { startForeignPage, startStack, type Stack } from "./servers.ts";

// The pool's web ACL lets Cognito's public API through only with this key, as make dev's does.
const CALLER_KEY = randomBytes(24).toString("hex");
const PASSWORD = "Sign-Up-Passw0rd";

let stack: Stack;
let consoleUrl: string;

test.use({ viewport: { width: 1280, height: 800 } });

test.beforeAll(async () => {
  stack = await startStack(
    {
      clientSecret: true,
      allowSignUp: true,
      admin,
      callerKey: CALLER_KEY,
      mfa: { MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } },
      pool: { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true } },
    },
    { COGNITO_CALLER_KEY: CALLER_KEY, DEVICE_SECRET: "00".repeat(32) },
  );
  consoleUrl = `${stack.url.replace("127.0.0.1", "localhost")}/_local/`;
});

test.afterAll(() => stack?.stop());

async function api(path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const answer = await fetch(`${stack.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: answer.status, body: await answer.json().catch(() => null) };
}

const row = (page: Page, username: string) => page.locator(`#users-rows tr[data-username="${username}"]`);

test("GIVEN make dev's pool WHEN a developer watches a sign-up in the console THEN they see the user and the code, and confirm, disable, enable and delete the user, move the clock, read the settings and reset the pool", async ({ page, context }) => {
  const cognitoAnswers: string[] = [];
  page.on("response", async (response) => {
    if (response.url().endsWith("/_local/cognito")) cognitoAnswers.push(await response.text().catch(() => ""));
  });
  page.on("dialog", (dialog) => dialog.accept());

  await test.step("the stack's pool has the web ACL, and the API holds its key", async () => {
    const direct = await fetch(stack.cognitoUrl, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.SignUp" },
      body: JSON.stringify({ ClientId: "any", Username: "x", Password: PASSWORD }),
    });
    expect([400, 403]).toContain(direct.status);
    const signedUp = await api("/auth/signup", { username: "sam", email: "sam@example.com", password: PASSWORD });
    expect(signedUp.status, JSON.stringify(signedUp.body)).toBe(201);
    expect(signedUp.body.userConfirmed).toBe(false);
  });

  await test.step("the new user shows as UNCONFIRMED beside the admin", async () => {
    await page.goto(consoleUrl);
    await expect(page.getByRole("heading", { name: "Local console" })).toBeVisible();
    await expect(row(page, "sam").locator(".status")).toHaveText("UNCONFIRMED");
    await expect(row(page, "sam").locator(".enabled")).toHaveText("enabled");
    await expect(row(page, "sam")).toContainText("sam@example.com");
    await expect(row(page, "sam")).toContainText("unverified");
    await expect(row(page, admin.username).locator(".status")).toHaveText("CONFIRMED");
    await expect(row(page, admin.username)).toContainText("admin");
    // Devices are tracked in this pool: a count, not a dash.
    await expect(row(page, "sam").locator("td").nth(4)).toHaveText("0");
  });

  await test.step("the sign-up code is in the inbox, and copies", async () => {
    // A notice as the API sends one through SES (an email change tells the old address).
    await fetch(`${stack.cognitoUrl}/v2/email/outbound-emails`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        FromEmailAddress: "notices@localhost",
        Destination: { ToAddresses: ["old-sam@example.com"] },
        Content: { Simple: { Subject: { Data: "Your email address was changed" }, Body: { Text: { Data: "The email of your account is now sam@example.com.\nNot you? Reset your password." } } } },
      }),
    });
    // Not refreshed by hand: the page's own polling brings it.
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(consoleUrl).origin });
    const code = await stack.code("sam", "sign_up");
    const message = page.locator('#inbox-list li[data-kind="sign_up"]').filter({ hasText: "sam@example.com" });
    await expect(message.locator("code")).toHaveText(code);
    await expect(page.locator('#inbox-list li[data-kind="notice"]')).toContainText("Your email address was changed");
    // Newest first: the notice came last.
    await expect(page.locator("#inbox-list li").first()).toHaveAttribute("data-kind", "notice");
    const copy = message.getByRole("button", { name: "Copy the sign-up code for sam" });
    await copy.click();
    await expect(copy).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    await shot(page, "console-01-sign-up");
  });

  await test.step("confirm: the user signs in", async () => {
    await page.getByRole("button", { name: "Confirm sam" }).click();
    await expect(page.getByRole("status")).toHaveText("sam is confirmed.");
    await expect(row(page, "sam").locator(".status")).toHaveText("CONFIRMED");
    await expect(page.getByRole("button", { name: "Confirm sam" })).toHaveCount(0);
    expect((await api("/auth/login", { username: "sam", password: PASSWORD })).body?.result).toBe("tokens");
  });

  await test.step("disable: the user cannot sign in; enable: they can again", async () => {
    await page.getByRole("button", { name: "Disable sam" }).click();
    await expect(row(page, "sam").locator(".enabled")).toHaveText("disabled");
    await shot(page, "console-02-disabled");
    expect((await api("/auth/login", { username: "sam", password: PASSWORD })).status).not.toBe(200);
    await page.getByRole("button", { name: "Enable sam" }).click();
    await expect(row(page, "sam").locator(".enabled")).toHaveText("enabled");
    expect((await api("/auth/login", { username: "sam", password: PASSWORD })).body?.result).toBe("tokens");
  });

  await test.step("the user's MFA and devices show as they change", async () => {
    const login = await api("/auth/login", { username: "sam", password: PASSWORD });
    expect(login.body?.result).toBe("tokens");
    const token = login.body.tokens.accessToken;
    const reauthentication = { currentPassword: PASSWORD };
    const setup = await api("/auth/me/mfa/totp", { reauthentication }, token);
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    const verified = await api("/auth/me/mfa/totp/verify", { code: await totpCode(stack, setup.body.secret, 0), reauthentication }, token);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    // Turning TOTP on forgets the user's devices: this sign-in, with a code, tracks a new one.
    const again = await api("/auth/login", { username: "sam", password: PASSWORD });
    expect(again.body?.challenge?.name).toBe("SOFTWARE_TOKEN_MFA");
    const { session, username } = again.body.challenge;
    const code = await totpCode(stack, setup.body.secret, 1);
    const answered = await api("/auth/mfa", { username, session, challenge: "SOFTWARE_TOKEN_MFA", code, deviceName: "Sam's laptop" });
    expect(answered.body?.result, JSON.stringify(answered.body)).toBe("tokens");
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    const [mfa, devices] = [row(page, "sam").locator("td").nth(3), row(page, "sam").locator("td").nth(4)];
    await expect(mfa).toHaveText("TOTP ★");
    await expect(devices.locator("summary")).toHaveText("1");
    await devices.locator("summary").click();
    await expect(devices).toContainText("Sam's laptop");
  });

  await test.step("the clock moves forward", async () => {
    await expect(page.locator("#clock-offset")).toHaveText("none");
    const before = await stack.now();
    await page.getByRole("button", { name: "+1 h" }).click();
    await expect(page.locator("#clock-offset")).toHaveText("+1 h");
    await page.getByRole("button", { name: "+5 min" }).click();
    await expect(page.locator("#clock-offset")).toHaveText("+1 h 5 min");
    expect(await stack.now()).toBeGreaterThanOrEqual(before + 3900);
    // The inbox's ages follow the moved clock.
    await expect(page.locator('#inbox-list li[data-kind="sign_up"] time')).toHaveText("1 h ago");
  });

  await test.step("the pool's settings, without a secret", async () => {
    const settings = page.locator("#settings-body");
    const value = (block: string, name: string) => settings.locator(".block").filter({ has: page.getByRole("heading", { name: block, exact: true }) }).locator(`dt:text-is("${name}") + dd`);
    await expect(value("Pool", "Self sign-up")).toHaveText("on");
    await expect(value("MFA and devices", "MFA")).toHaveText("OPTIONAL");
    await expect(value("MFA and devices", "Factors")).toHaveText("TOTP");
    await expect(value("MFA and devices", "Device tracking")).toHaveText("on: remembered when the user asks");
    await expect(value("Password policy", "Minimum length")).toHaveText("10");
    await expect(value("Client auth-api", "Has a secret")).toHaveText("yes");
    await expect(value("Client auth-api", "Refresh token")).toHaveText(/\d+ days?/);
    await page.locator("#settings").scrollIntoViewIfNeeded();
    await shot(page, "console-03-clock-and-settings");
    const seen = cognitoAnswers.join("\n");
    expect(seen).toContain("(hidden by the local console)");
    expect(seen).not.toContain(CALLER_KEY);
    expect(await page.content()).not.toContain(CALLER_KEY);
  });

  await test.step("a page of another origin can neither call nor post to the console", async () => {
    const foreign = await startForeignPage();
    try {
      const other = await context.newPage();
      await other.goto(`http://127.0.0.1:${foreign.port}/`);
      const origin = new URL(consoleUrl).origin;
      const outcome = await other.evaluate(async (origin) => {
        const results: string[] = [];
        try {
          await fetch(`${origin}/_local/cognito`, {
            method: "POST",
            headers: { "x-local-console": "1", "x-amz-target": "AWSCognitoIdentityProviderService.AdminDeleteUser" },
            body: JSON.stringify({ Username: "sam" }),
          });
          results.push("fetch answered");
        } catch {
          results.push("fetch refused");
        }
        // A simple request (no preflight) goes out, but lacks the header: refused by the server.
        await fetch(`${origin}/_local/pool/reset`, { method: "POST", mode: "no-cors" }).catch(() => null);
        return results;
      }, origin);
      expect(outcome).toEqual(["fetch refused"]);
      await other.close();
    } finally {
      foreign.stop();
    }
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    await expect(row(page, "sam")).toHaveCount(1);
  });

  await test.step("delete the user", async () => {
    await page.getByRole("button", { name: "Delete sam" }).click();
    await expect(page.getByRole("status")).toHaveText("sam is deleted.");
    await expect(row(page, "sam")).toHaveCount(0);
  });

  await test.step("reset the pool: the admin stays, the others and the inbox go", async () => {
    for (const username of ["kim", "lee"]) {
      expect((await api("/auth/signup", { username, email: `${username}@example.com`, password: PASSWORD })).status).toBe(201);
    }
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    await expect(row(page, "lee")).toHaveCount(1);
    await expect(page.locator('#inbox-list li[data-kind="sign_up"]').filter({ hasText: "lee@example.com" })).toHaveCount(1);
    await shot(page, "console-04-before-reset");
    await page.getByRole("button", { name: "Reset the pool" }).click();
    await expect(page.getByRole("status")).toContainText("2 users deleted, kept admin");
    await expect(page.locator("#users-rows tr")).toHaveCount(1);
    await expect(row(page, admin.username)).toHaveCount(1);
    await expect(page.locator("#inbox-list li")).toHaveCount(0);
    await expect(page.locator("#inbox-empty")).toBeVisible();
    expect((await api("/auth/login", { username: admin.username, password: admin.password })).body?.result).toBe("tokens");
    await shot(page, "console-05-after-reset");
  });
});
