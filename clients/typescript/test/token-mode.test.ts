// The client in token mode against the local stack: sign-up to /auth/me, the
// sign-in challenges, and the refresh after a 401.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { Secret, TOTP } from "otpauth";

import { AuthApiError, AuthClient, memoryStore, onChallenge, type CredentialStore, type SignInStep } from "../src/index.js";
import { startStack, type Stack } from "./stack.js";

const admin = { username: "admin", password: "Admin-Passw0rd", email: "admin@example.com" };

/** A fetch that records what was sent and answered, by method and path. */
function recordingFetch() {
  const calls: { route: string; status: number; authorization: string | null }[] = [];
  const fetch = async (request: Request) => {
    const response = await globalThis.fetch(request.clone());
    calls.push({ route: `${request.method} ${new URL(request.url).pathname}`, status: response.status, authorization: request.headers.get("authorization") });
    return response;
  };
  return { calls, fetch };
}

async function signUp(stack: Stack, client: AuthClient, username: string, password: string): Promise<void> {
  const signedUp = await client.public.POST("/auth/signup", { body: { username, email: `${username}@example.com`, password } });
  assert.equal(signedUp.response.status, 201);
  const code = await stack.code(username, "sign_up");
  const confirmed = await client.public.POST("/auth/signup/confirm", { body: { username, code } });
  assert.deepEqual(confirmed.data, { confirmed: true });
}

describe("token mode, self sign-up", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ clientSecret: true, allowSignUp: true, admin });
  });
  after(() => stack.stop());

  test("GIVEN a new user WHEN they sign up, confirm with the emailed code and log in THEN /auth/me answers them", async () => {
    const store = memoryStore();
    const client = new AuthClient({ baseUrl: stack.url, mode: "token", store });
    await signUp(stack, client, "sam", "Sign-Up-Passw0rd");

    const step = await client.login({ username: "sam", password: "Sign-Up-Passw0rd" });

    assert.equal(step.result, "tokens");
    assert.ok(client.signedIn);
    assert.equal(client.idToken, step.result === "tokens" ? step.idToken : undefined);
    assert.ok((await store.get("refreshToken"))?.length, "the caller's store keeps the refresh token");
    const me = await client.api.GET("/auth/me");
    assert.equal(me.response.status, 200);
    assert.equal(me.data?.username, "sam");
    assert.equal(me.data?.attributes["email"], "sam@example.com");
  });

  test("GIVEN a wrong password WHEN logging in THEN the problem's code is thrown and nobody is signed in", async () => {
    const client = new AuthClient({ baseUrl: stack.url, mode: "token" });

    const error = await client.login({ username: "sam", password: "Wrong-Passw0rd" }).catch((e: unknown) => e);

    assert.ok(error instanceof AuthApiError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "INVALID_CREDENTIALS");
    assert.equal(client.signedIn, false);
  });

  test("GIVEN an expired access token WHEN five calls meet the 401 at once THEN one refresh runs and every call is retried with the new token", async () => {
    const { calls, fetch } = recordingFetch();
    const client = new AuthClient({ baseUrl: stack.url, mode: "token", fetch });
    await signUp(stack, client, "ria", "Sign-Up-Passw0rd");
    await client.login({ username: "ria", password: "Sign-Up-Passw0rd" });
    const before = calls.length;
    await stack.advanceClock(3700);

    const answers = await Promise.all(Array.from({ length: 5 }, () => client.api.GET("/auth/me")));

    assert.deepEqual(answers.map((a) => a.response.status), [200, 200, 200, 200, 200]);
    const made = calls.slice(before);
    assert.equal(made.filter((c) => c.route === "POST /auth/refresh").length, 1, made.map((c) => `${c.route} ${c.status}`).join(", "));
    const me = made.filter((c) => c.route === "GET /auth/me");
    assert.equal(me.filter((c) => c.status === 401).length, 5);
    assert.equal(me.filter((c) => c.status === 200).length, 5);
    const [expired] = me.filter((c) => c.status === 401).map((c) => c.authorization);
    assert.ok(me.filter((c) => c.status === 200).every((c) => c.authorization !== expired), "retried with the new token");
  });

  test("GIVEN a refresh token the API refuses WHEN a call meets a 401 THEN the call answers 401 once and the client is signed out", async () => {
    const store: CredentialStore = memoryStore();
    let signedOut = 0;
    const { calls, fetch } = recordingFetch();
    const client = new AuthClient({ baseUrl: stack.url, mode: "token", store, fetch, onSignedOut: () => signedOut++ });
    await signUp(stack, client, "tom", "Sign-Up-Passw0rd");
    await client.login({ username: "tom", password: "Sign-Up-Passw0rd" });
    await store.set("refreshToken", "not-a-refresh-token-at-all-but-long-enough");
    await stack.advanceClock(3700);

    const me = await client.api.GET("/auth/me");

    assert.equal(me.response.status, 401);
    assert.equal(signedOut, 1);
    assert.equal(client.signedIn, false);
    assert.equal(await store.get("refreshToken"), null);
    assert.equal(calls.filter((c) => c.route === "POST /auth/refresh").length, 1);
  });

  test("GIVEN a signed-in user WHEN they log out THEN the refresh token is revoked and forgotten", async () => {
    const store = memoryStore();
    const client = new AuthClient({ baseUrl: stack.url, mode: "token", store });
    await signUp(stack, client, "lea", "Sign-Up-Passw0rd");
    await client.login({ username: "lea", password: "Sign-Up-Passw0rd" });
    const refreshToken = await store.get("refreshToken");

    await client.logout();

    assert.equal(client.signedIn, false);
    assert.equal(client.idToken, null);
    assert.equal(await store.get("refreshToken"), null);
    const refused = await client.public.POST("/auth/refresh", { body: { refreshToken: refreshToken ?? "" } });
    assert.equal(refused.response.status, 401);
  });
});

describe("token mode, an invited user in a pool that requires MFA", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      clientSecret: true,
      mfa: { MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } },
      admin,
    });
  });
  after(() => stack.stop());

  /** The TOTP code of a 30 s step by the local Cognito's clock (it takes each code once, and one step of skew). */
  async function totp(secret: string, stepsAhead: number): Promise<string> {
    const now = await stack.now();
    return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: (now + 30 * stepsAhead) * 1000 });
  }

  test("GIVEN an invited user WHEN the client walks new password, MFA set-up and then a TOTP sign-in THEN each ends signed in", async () => {
    const operator = new AuthClient({ baseUrl: stack.url, mode: "token" });
    // The admin meets MFA_SETUP too: set up TOTP on the way in.
    let adminSecret = "";
    let step = await operator.login(admin);
    while (step.result === "challenge") {
      const challenge = step.challenge;
      assert.equal(challenge.name, "MFA_SETUP");
      if (challenge.name !== "MFA_SETUP") break;
      const setup = await operator.startMfaSetup(challenge);
      adminSecret = setup.secret;
      step = await operator.finishMfaSetup(setup.challenge, await totp(adminSecret, 0));
    }
    const created = await operator.api.POST("/auth/users", {
      body: { username: "jane", email: "jane@example.com", temporaryPassword: "Temp-Passw0rd-1", sendInvitation: false },
    });
    assert.equal(created.response.status, 201);

    const client = new AuthClient({ baseUrl: stack.url, mode: "token" });
    const seen: string[] = [];
    let secret = "";
    const walk = async (first: SignInStep): Promise<SignInStep> => {
      let next = first;
      while (next.result === "challenge") {
        seen.push(next.challenge.name);
        next = await onChallenge<Promise<SignInStep>>(next.challenge, {
          NEW_PASSWORD_REQUIRED: (c) => client.newPassword(c, "Brand-New-Passw0rd"),
          MFA_SETUP: async (c) => {
            const setup = await client.startMfaSetup(c);
            assert.match(setup.otpauthUri, /^otpauth:\/\/totp\//);
            secret = setup.secret;
            return client.finishMfaSetup(setup.challenge, await totp(secret, 0));
          },
          SOFTWARE_TOKEN_MFA: async (c) => client.answerMfa(c, await totp(secret, 1)),
          SMS_MFA: () => assert.fail("no phone number"),
          EMAIL_OTP: () => assert.fail("email MFA is off"),
          SELECT_MFA_TYPE: () => assert.fail("one factor only"),
          SELECT_CHALLENGE: () => assert.fail("passwordless sign-in only"),
          SMS_OTP: () => assert.fail("passwordless sign-in only"),
          WEB_AUTHN: () => assert.fail("passwordless sign-in only"),
        });
      }
      return next;
    };

    const first = await walk(await client.login({ username: "jane", password: "Temp-Passw0rd-1" }));
    assert.equal(first.result, "tokens");
    assert.deepEqual(seen, ["NEW_PASSWORD_REQUIRED", "MFA_SETUP"]);
    assert.equal((await client.api.GET("/auth/me")).data?.username, "jane");

    await client.logout();
    seen.length = 0;
    const again = await walk(await client.login({ username: "jane", password: "Brand-New-Passw0rd" }));
    assert.equal(again.result, "tokens");
    assert.deepEqual(seen, ["SOFTWARE_TOKEN_MFA"]);
    assert.equal((await client.api.GET("/auth/me")).data?.username, "jane");
  });
});
