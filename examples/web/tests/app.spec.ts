// The example app in Chromium, end to end against the local stack, in cookie mode:
// sign-up to MFA sign-in, a reload that keeps the user signed in, the refresh token
// never within JavaScript's reach, logout clearing the cookies, and pages of other
// origins that cannot use the user's cookies.
import { expect, test, type BrowserContext, type Page } from "@playwright/test";

import { admin, DEVICE_COOKIE, qrCode, REFRESH_COOKIE, sessionCookies, shot, totpCode } from "./helpers.ts";
import { freePort, startApp, startForeignPage, startStack, type Stack } from "./servers.ts";

let stack: Stack;
let api: string;
let app: { url: string; stop: () => void };
let foreign: { port: number; stop: () => void };

test.beforeAll(async () => {
  // The app's origin is the one the API allows: its port is chosen first.
  const appPort = await freePort();
  foreign = await startForeignPage();
  stack = await startStack(
    {
      clientSecret: true,
      allowSignUp: true,
      admin,
      mfa: { MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } },
      pool: { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false } },
    },
    { CORS_ALLOWED_ORIGINS: `http://localhost:${appPort}`, DEVICE_SECRET: "00".repeat(32) },
  );
  // The browser calls the API as localhost: the app's site, so its SameSite=Strict cookies go with the calls.
  api = stack.url.replace("127.0.0.1", "localhost");
  app = await startApp(api, appPort);
});

test.afterAll(() => {
  app?.stop();
  foreign?.stop();
  stack?.stop();
});

const totp = (secret: string, stepsAhead: number) => totpCode(stack, secret, stepsAhead);

/** Every value the browser's session cookies held, and every body the API answered the page. */
function watch(context: BrowserContext) {
  const cookieValues = new Set<string>();
  const bodies: string[] = [];
  context.on("response", async (response) => {
    if (!response.url().startsWith(api)) return;
    const body = await response.text().catch(() => "");
    bodies.push(body);
  });
  return {
    async noteCookies() {
      for (const cookie of await sessionCookies(context)) cookieValues.add(cookie.value);
    },
    cookieValues,
    bodies,
  };
}

/** What a script on the page can read: storage, cookies, IndexedDB and the document. */
async function readableFromJavaScript(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const databases: Record<string, unknown> = {};
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of db.objectStoreNames) {
        const all = db.transaction(store).objectStore(store).getAll();
        databases[`${name}/${store}`] = await new Promise((resolve) => (all.onsuccess = () => resolve(all.result)));
      }
      db.close();
    }
    return {
      localStorage: JSON.stringify({ ...localStorage }),
      sessionStorage: JSON.stringify({ ...sessionStorage }),
      "document.cookie": document.cookie,
      indexedDB: JSON.stringify(databases),
      document: document.documentElement.outerHTML,
    };
  });
}

async function expectNoRefreshTokenInReach(page: Page, watched: ReturnType<typeof watch>): Promise<void> {
  await watched.noteCookies();
  expect(watched.cookieValues.size, "the session cookies were set").toBeGreaterThan(0);
  const readable = await readableFromJavaScript(page);
  expect(readable["document.cookie"]).not.toContain("__Secure-auth");
  for (const value of watched.cookieValues) {
    for (const [where, text] of Object.entries(readable)) expect(text.includes(value), `a session cookie's value in ${where}`).toBe(false);
    for (const body of watched.bodies) expect(body.includes(value), "a session cookie's value in an API answer the page read").toBe(false);
  }
}

test("GIVEN the app WHEN a new user signs up, confirms, sets up TOTP and signs in with it THEN the refresh token stays in HttpOnly cookies, a reload keeps them signed in and logout clears the cookies", async ({ page, context }) => {
  const watched = watch(context);
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

/** What a page of another origin gets when it POSTs to a cookie route with the user's cookies. */
async function attempt(page: Page, url: string, as: "cookie mode" | "simple request"): Promise<string> {
  return page.evaluate(
    async ({ url, as }) => {
      const init: RequestInit =
        as === "cookie mode"
          ? // The header makes it a preflighted request: the API answers no CORS headers to this origin.
            { method: "POST", credentials: "include", headers: { "X-Auth-Mode": "cookie", "content-type": "application/json" }, body: "{}" }
          : // No preflight, but no header either; the answer is opaque to the page.
            { method: "POST", credentials: "include", mode: "no-cors", body: "{}" };
      try {
        const answer = await fetch(url, init);
        return answer.type === "opaque" ? "sent, the answer unreadable" : `answered ${answer.status}`;
      } catch {
        return "refused by the browser";
      }
    },
    { url, as },
  );
}

test("GIVEN a signed-in user WHEN pages of another origin, of the same site or another, try to refresh or log out with the user's cookies THEN they get no tokens, the cookies are not used, and the user stays signed in", async ({ page, context }) => {
  const username = "ana";
  const password = "Sign-Up-Passw0rd";
  const signedUp = await fetch(`${stack.url}/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, email: `${username}@example.com`, password }) });
  expect(signedUp.status).toBe(201);
  const confirmed = await fetch(`${stack.url}/auth/signup/confirm`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, code: await stack.code(username, "sign_up") }) });
  expect(confirmed.status).toBe(200);
  await page.goto(app.url);
  await page.locator("#login").getByLabel("Username").fill(username);
  await page.locator("#login").getByLabel("Password").fill(password);
  await page.locator("#login").getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  const before = (await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE).map((c) => c.value);
  expect(before.length).toBe(2);

  // What the API answered the other pages, and with which cookies they were sent.
  const answers: Promise<{ origin: string; route: string; status: number; cookie: string | null; setCookie: string } | null>[] = [];
  context.on("response", (response) => {
    const url = new URL(response.url());
    if (url.port !== new URL(api).port) return;
    answers.push(
      (async () => {
        const headers = await response.request().allHeaders();
        // Chromium reports a page's fetches with their provisional headers (no Origin, no Cookie); navigations in full.
        const origin = headers["origin"] ?? (headers["referer"] ? new URL(headers["referer"]).origin : "");
        if (!origin || origin === app.url) return null;
        const full = "sec-fetch-mode" in headers;
        return { origin, route: url.pathname, status: response.status(), cookie: full ? (headers["cookie"] ?? "") : null, setCookie: (await response.allHeaders())["set-cookie"] ?? "" };
      })(),
    );
  });

  const attacker = await context.newPage();
  for (const [origin, site] of [
    [`http://127.0.0.1:${foreign.port}`, "another site"],
    [`http://localhost:${foreign.port}`, "the same site"],
  ] as const) {
    await test.step(`a page of ${site} (${origin})`, async () => {
      await attacker.goto(origin);
      for (const route of ["/auth/refresh", "/auth/logout"]) {
        expect(await attempt(attacker, `${api}${route}`, "cookie mode"), `${route} in cookie mode`).toBe("refused by the browser");
        expect(await attempt(attacker, `${api}${route}`, "simple request"), `${route} as a simple request`).toBe("sent, the answer unreadable");
      }
      // A form posted to logout: a navigation, no header, no bearer.
      await attacker.setContent(`<form method="post" action="${api}/auth/logout"><button>go</button></form>`);
      await Promise.all([attacker.waitForURL(`${api}/auth/logout`), attacker.getByRole("button", { name: "go" }).click()]);
    });
  }
  await attacker.close();

  const seen = (await Promise.all(answers)).filter((answer) => answer !== null);
  // Per origin: the two simple requests and the form; the cookie-mode requests never left the browser.
  expect(seen.map((answer) => `${answer.origin} ${answer.route}`).sort()).toEqual(
    [`http://127.0.0.1:${foreign.port}`, `http://localhost:${foreign.port}`].flatMap((origin) => [`${origin} /auth/logout`, `${origin} /auth/logout`, `${origin} /auth/refresh`]),
  );
  for (const answer of seen) {
    expect(answer.setCookie, `${answer.origin} ${answer.route}: no cookie set or cleared`).toBe("");
    expect(answer.status, `${answer.origin} ${answer.route}: refused`).toBeGreaterThanOrEqual(400);
  }
  // The forms (navigations, whose headers Chromium reports in full): SameSite=Strict keeps the cookie from
  // another site's; the same site's carries it, but without the header (and a bearer) the API does not use it.
  const forms = seen.filter((answer) => answer.cookie !== null);
  expect(forms.map((form) => [form.origin.includes("127.0.0.1") ? "another site" : "same site", form.cookie?.includes(REFRESH_COOKIE)])).toEqual([
    ["another site", false],
    ["same site", true],
  ]);

  const after = (await sessionCookies(context)).filter((c) => c.name === REFRESH_COOKIE).map((c) => c.value);
  expect(after, "the refresh cookies are unchanged").toEqual(before);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  await expect(page.locator("#me-username")).toHaveText(username);
});
