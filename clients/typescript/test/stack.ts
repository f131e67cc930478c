// The local stack for the client's tests, as scripts/fuzz.sh starts it: the
// local Cognito and the local server from target/debug, on free ports.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

export interface Stack {
  /** The API, such as http://127.0.0.1:PORT. */
  url: string;
  cognitoUrl: string;
  /** The seeded pool's id, for what a back end does at the local Cognito (admin calls, unsigned there). */
  userPoolId: string;
  /** The newest outbox message for a user and kind (sign_up, mfa, ...). */
  code(username: string, kind: string): Promise<string>;
  /** Moves the local Cognito's clock forward: tokens, codes and sessions expire. */
  advanceClock(seconds: number): Promise<void>;
  /** The local Cognito's time, in seconds. */
  now(): Promise<number>;
  stop(): void;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "openapi.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("the repository root (openapi.yaml) is not above the tests");
    dir = parent;
  }
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitFor(what: string, ok: () => Promise<boolean> | boolean, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}) while starting`);
    if (await Promise.resolve().then(ok).catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`${what} did not start within 10 s`);
}

/** `env`: more settings for the local server (CORS_ALLOWED_ORIGINS, DEVICE_SECRET, ...). */
export async function startStack(seed: Record<string, unknown>, env: Record<string, string> = {}): Promise<Stack> {
  const root = repoRoot();
  const bin = join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "debug");
  for (const name of ["local-cognito", "local-server"]) {
    if (!existsSync(join(bin, name))) throw new Error(`${bin}/${name} is missing: cargo build -p local-server -p local-cognito`);
  }
  const work = mkdtempSync(join(tmpdir(), "auth-client-test-"));
  const envFile = join(work, "pool.env");
  const [cognitoPort, apiPort] = [await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const child of children) child.kill();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const cognito = spawn(join(bin, "local-cognito"), ["--port", String(cognitoPort), "--seed", JSON.stringify(seed), "--seed-env", envFile], {
      stdio: "ignore",
    });
    children.push(cognito);
    await waitFor("the local Cognito", () => existsSync(envFile) && /COGNITO_SIGN_UP_CLIENT_ID=.*\n/.test(readFileSync(envFile, "utf8")), cognito);
    const pool: Record<string, string> = {};
    for (const line of readFileSync(envFile, "utf8").split("\n")) {
      const match = /^([A-Z_]+)=['"]?(.*?)['"]?$/.exec(line.trim());
      if (match?.[1] && match[2] !== undefined) pool[match[1]] = match[2];
    }
    const userPoolId = pool["COGNITO_USER_POOL_ID"];
    if (!userPoolId) throw new Error(`no COGNITO_USER_POOL_ID in ${envFile}`);
    const cognitoUrl = `http://127.0.0.1:${cognitoPort}`;
    const server = spawn(join(bin, "local-server"), [], {
      stdio: "ignore",
      env: {
        ...process.env,
        ...pool,
        COGNITO_ENDPOINT_URL: cognitoUrl,
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
        PORT: String(apiPort),
        LOG_LEVEL: "warn",
        ...env,
      },
    });
    children.push(server);
    const url = `http://127.0.0.1:${apiPort}`;
    await waitFor("the local server", async () => (await fetch(`${url}/_local/outbox`)).ok, server);
    return {
      url,
      cognitoUrl,
      userPoolId,
      async code(username, kind) {
        const outbox = (await (await fetch(`${url}/_local/outbox`)).json()) as { username: string; kind: string; code: string }[];
        const message = outbox.filter((m) => m.username === username && m.kind === kind).at(-1);
        if (!message) throw new Error(`no ${kind} message for ${username} in the outbox`);
        return message.code;
      },
      async advanceClock(seconds) {
        const answer = await fetch(`${cognitoUrl}/_local/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ seconds }) });
        if (!answer.ok) throw new Error(`the clock answered ${answer.status}`);
      },
      async now() {
        return ((await (await fetch(`${cognitoUrl}/_local/clock`)).json()) as { now: number }).now;
      },
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}
