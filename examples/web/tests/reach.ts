// What JavaScript on the app's page can reach, and the check that no session
// cookie's value is ever among it.
import { expect, type BrowserContext, type Page } from "@playwright/test";

import { sessionCookies } from "./helpers.ts";

/** Every value the browser's session cookies held, and every body the API (at `api`) answered the page. */
export function watch(context: BrowserContext, api: string) {
  const cookieValues = new Set<string>();
  const bodies: Promise<string>[] = [];
  context.on("response", (response) => {
    if (response.url().startsWith(api)) bodies.push(response.text().catch(() => ""));
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

export async function expectNoRefreshTokenInReach(page: Page, watched: ReturnType<typeof watch>): Promise<void> {
  await watched.noteCookies();
  expect(watched.cookieValues.size, "the session cookies were set").toBeGreaterThan(0);
  const readable = await readableFromJavaScript(page);
  expect(readable["document.cookie"]).not.toContain("__Secure-auth");
  for (const value of watched.cookieValues) {
    for (const [where, text] of Object.entries(readable)) expect(text.includes(value), `a session cookie's value in ${where}`).toBe(false);
    for (const body of await Promise.all(watched.bodies)) expect(body.includes(value), "a session cookie's value in an API answer the page read").toBe(false);
  }
}

