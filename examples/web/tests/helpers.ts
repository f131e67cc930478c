// What the browser tests share: the cookies' names, screenshots, TOTP codes, the QR code.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import type { BrowserContext, Page } from "@playwright/test";
import jsQR from "jsqr";
import { Secret, TOTP } from "otpauth";

import type { Stack } from "./servers.ts";

export const admin = { username: "admin", password: "Admin-Passw0rd", email: "admin@example.com" };
export const REFRESH_COOKIE = "__Secure-auth-refresh";
export const DEVICE_COOKIE = "__Secure-auth-device";

const screenshots = fileURLToPath(new URL("../../../target/browser-screenshots/", import.meta.url));

/** target/browser-screenshots/NAME.png, for people to look at. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true });
}

/** The TOTP code of a 30 s step by the local Cognito's clock (it takes each code once, and one step of skew). */
export async function totpCode(stack: Stack, secret: string, stepsAhead: number): Promise<string> {
  const now = await stack.now();
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: (now + 30 * stepsAhead) * 1000 });
}

/** The session cookies in the browser's jar (context.cookies(url) would match paths, and these are scoped). */
export async function sessionCookies(context: BrowserContext) {
  return (await context.cookies()).filter((c) => c.name === REFRESH_COOKIE || c.name === DEVICE_COOKIE);
}

/** What the QR code on the page says, read from the canvas's pixels as a phone would. */
export async function qrCode(page: Page): Promise<string | undefined> {
  const image = await page.locator("#qr").evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height);
    return data ? { width: data.width, height: data.height, pixels: Array.from(data.data) } : null;
  });
  if (!image) return undefined;
  return jsQR(Uint8ClampedArray.from(image.pixels), image.width, image.height)?.data;
}
