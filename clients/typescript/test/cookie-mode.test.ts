// Cookie mode's requests, against a stand-in for the API (the local stack's cookie
// mode is tested once the API has it): the header and credentials on the routes that
// answer tokens or take a refresh token, and no refresh token kept by the client.
import assert from "node:assert/strict";
import { test } from "node:test";

import { AuthClient, type CredentialStore } from "../src/index.js";

interface Seen {
  route: string;
  mode: string | null;
  credentials: RequestCredentials;
  authorization: string | null;
  body: string;
}

/** Answers as an API would, a refresh token in the body included (one without cookie mode). */
function standIn() {
  const seen: Seen[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const route = `${request.method} ${new URL(request.url).pathname}`;
    seen.push({
      route,
      mode: request.headers.get("x-auth-mode"),
      credentials: request.credentials,
      authorization: request.headers.get("authorization"),
      body: await request.text(),
    });
    const tokens = { accessToken: `access-${seen.length}`, idToken: "id", refreshToken: "refresh-token-in-the-body", expiresIn: 3600, tokenType: "Bearer" };
    switch (route) {
      case "POST /auth/passwordless": {
        const challenge = { name: "WEB_AUTHN", session: "s".repeat(40), username: "jane", parameters: { credentialRequestOptions: { challenge: "Y2hhbGxlbmdl" } } };
        return Response.json({ result: "challenge", challenge });
      }
      case "POST /auth/login":
      case "POST /auth/refresh":
      case "POST /auth/passwordless/code":
      case "POST /auth/passwordless/passkey":
        return Response.json({ result: "tokens", tokens, device: { deviceKey: "AQE3XJv1tW0cY5x8kQ2mZr7", remembered: true } });
      case "GET /auth/me":
        return Response.json({ username: "jane", attributes: {} });
      case "POST /auth/logout":
        return new Response(null, { status: 204 });
      default:
        return Response.json({ code: "NOT_FOUND" }, { status: 404 });
    }
  };
  return { seen, fetch };
}

const untouchable: CredentialStore = {
  get: () => assert.fail("cookie mode reads no stored credential"),
  set: () => assert.fail("cookie mode stores no credential"),
};

test("GIVEN cookie mode WHEN signing in, refreshing and logging out THEN those routes carry the header and credentials, and no refresh token is kept or sent", async () => {
  const { seen, fetch } = standIn();
  const client = new AuthClient({ baseUrl: "https://auth.example.com", mode: "cookie", store: untouchable, fetch });

  await client.login({ username: "jane", password: "Brand-New-Passw0rd" });
  assert.equal(await client.refresh(), true);
  await client.api.GET("/auth/me");
  await client.logout();

  const routes = seen.map((s) => s.route);
  assert.deepEqual(routes, ["POST /auth/login", "POST /auth/refresh", "GET /auth/me", "POST /auth/logout"]);
  for (const s of seen.filter((s) => s.route !== "GET /auth/me")) {
    assert.equal(s.mode, "cookie", s.route);
    assert.equal(s.credentials, "include", s.route);
    assert.ok(!s.body.includes("refresh-token-in-the-body"), `${s.route} sends no refresh token`);
    assert.ok(!s.body.includes("deviceKey"), `${s.route} sends no device key: the cookie does`);
  }
  const me = seen.find((s) => s.route === "GET /auth/me");
  assert.equal(me?.mode, null, "other routes need no cookie");
  assert.notEqual(me?.credentials, "include");
  assert.equal(me?.authorization, "Bearer access-2");
  assert.equal(seen.at(-1)?.authorization, "Bearer access-2", "logout with the access token");
});

test("GIVEN a page WHEN the mode is not given THEN it is cookie mode, and token mode elsewhere", () => {
  assert.equal(new AuthClient({ baseUrl: "https://auth.example.com" }).mode, "token");
  (globalThis as { document?: unknown }).document = {};
  try {
    assert.equal(new AuthClient({ baseUrl: "https://auth.example.com" }).mode, "cookie");
  } finally {
    delete (globalThis as { document?: unknown }).document;
  }
});

test("GIVEN cookie mode WHEN signing in without a password THEN each step carries the header and credentials, and the access token is kept for the signed-in routes", async () => {
  const { seen, fetch } = standIn();
  const client = new AuthClient({ baseUrl: "https://auth.example.com", mode: "cookie", store: untouchable, fetch });

  const step = await client.startPasswordless({ username: "jane", factor: "passkey" });
  assert.equal(step.result, "challenge");
  if (step.result !== "challenge" || step.challenge.name !== "WEB_AUTHN") return assert.fail("a WEB_AUTHN challenge");
  const credential = { id: "Y3JlZA", rawId: "Y3JlZA", type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" } };
  const signedIn = await client.answerPasskey(step.challenge, credential, "Web browser");
  assert.equal(signedIn.result, "tokens");
  assert.equal(client.signedIn, true);
  const code = await client.answerPasswordlessCode({ name: "EMAIL_OTP", session: "s".repeat(40), username: "jane", parameters: {} }, "12345678");
  assert.equal(code.result, "tokens");
  await client.api.GET("/auth/me");

  assert.deepEqual(
    seen.map((s) => s.route),
    ["POST /auth/passwordless", "POST /auth/passwordless/passkey", "POST /auth/passwordless/code", "GET /auth/me"],
  );
  for (const s of seen.slice(0, 3)) {
    assert.equal(s.mode, "cookie", s.route);
    assert.equal(s.credentials, "include", s.route);
  }
  assert.deepEqual(JSON.parse(seen[1]?.body ?? "{}"), { username: "jane", session: "s".repeat(40), credential, deviceName: "Web browser" });
  assert.deepEqual(JSON.parse(seen[2]?.body ?? "{}"), { username: "jane", session: "s".repeat(40), challenge: "EMAIL_OTP", code: "12345678" });
  assert.equal(seen[3]?.authorization, "Bearer access-3");
});
