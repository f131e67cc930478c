// What the browser tests run against: the local stack (clients/typescript's test
// stack: the local Cognito and the local server from target/debug), the app on
// Vite's dev server, and a page of another origin.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

import { startStack, type Stack } from "../../../clients/typescript/test/stack.ts";

export { startStack, type Stack };

const appDir = fileURLToPath(new URL("..", import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The example app on http://localhost:PORT, calling the API at `apiUrl`. */
export async function startApp(apiUrl: string, port: number): Promise<{ url: string; stop: () => void }> {
  const vite: ChildProcess = spawn(process.execPath, ["node_modules/vite/bin/vite.js", "--port", String(port), "--strictPort", "--host", "localhost"], {
    cwd: appDir,
    env: { ...process.env, VITE_API_URL: apiUrl },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://localhost:${port}`;
  for (let i = 0; i < 200; i++) {
    if (vite.exitCode !== null) throw new Error(`vite exited (${vite.exitCode}) while starting`);
    if (await fetch(url).then((r) => r.ok, () => false)) return { url, stop: () => vite.kill() };
    await sleep(50);
  }
  vite.kill();
  throw new Error("the app did not start within 10 s");
}

/** A page of another origin, on a port of its own: reach it as localhost (same site) or 127.0.0.1 (another site). */
export async function startForeignPage(): Promise<{ port: number; stop: () => void }> {
  const server = createHttpServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>Another origin</title><p>Another origin</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no port");
  return { port: address.port, stop: () => server.close() };
}

export interface Started {
  stack: Stack;
  /** The API as the browser calls it: localhost, the app's site, so that its SameSite=Strict cookies go along. */
  api: string;
  app: { url: string; stop: () => void };
  stop: () => void;
}

/** A local stack with this pool seed, and the app on a free port, its origin the one the API allows. */
export async function startAll(seed: Record<string, unknown>): Promise<Started> {
  const appPort = await freePort();
  const stack = await startStack(seed, { CORS_ALLOWED_ORIGINS: `http://localhost:${appPort}`, DEVICE_SECRET: "00".repeat(32) });
  const api = stack.url.replace("127.0.0.1", "localhost");
  try {
    const app = await startApp(api, appPort);
    return { stack, api, app, stop: () => (app.stop(), stack.stop()) };
  } catch (error) {
    stack.stop();
    throw error;
  }
}
