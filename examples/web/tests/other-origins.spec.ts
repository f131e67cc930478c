// Pages of other origins, in the signed-in user's browser, against the example
// app's API: of another site (127.0.0.1 against localhost) and of the same site on
// another port. Neither can refresh or log out with the user's cookies.
import { expect, test, type Page } from "@playwright/test";

import { admin, REFRESH_COOKIE, sessionCookies } from "./helpers.ts";
import { startAll, startForeignPage, type Started } from "./servers.ts";

let started: Started;
let foreign: { port: number; stop: () => void };

test.beforeAll(async () => {
  started = await startAll({ clientSecret: true, allowSignUp: true, admin });
  foreign = await startForeignPage();
});

test.afterAll(() => {
  foreign?.stop();
  started?.stop();
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
  const { stack, api, app } = started;
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
    // The two cookie routes only (a navigation to the API may also fetch its favicon, say).
    if (url.port !== new URL(api).port || !["/auth/refresh", "/auth/logout"].includes(url.pathname)) return;
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
