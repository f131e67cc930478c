// The client: sign-in steps over the public routes, and `api`, an openapi-fetch
// client for the signed-in routes that sends the access token and, on a 401,
// refreshes once (one refresh in flight however many calls wait) and retries.
import createClient, { type Client } from "openapi-fetch";

import { AuthApiError, unwrap } from "./errors.js";
import { memoryStore, type CredentialStore } from "./store.js";
import type { paths } from "./schema.js";
import type { AuthResult, Challenge, ChallengeOf, CodeChallenge, Device, Factor, FirstFactor, OtpChallenge, WebAuthnCredential } from "./types.js";

/**
 * cookie: the API keeps the refresh token (and device key) in HttpOnly cookies, which
 * JavaScript never sees (browsers). token: it answers them in the body, and the caller's
 * store keeps them (mobile apps, servers, scripts).
 */
export type Mode = "cookie" | "token";

export interface AuthClientOptions {
  /** The API's root, such as https://auth.example.com (no /auth). */
  baseUrl: string;
  /** By default cookie in a browser page, token elsewhere. */
  mode?: Mode;
  /** Token mode: where the refresh token and device key are kept (default: memory). */
  store?: CredentialStore;
  fetch?: (request: Request) => Promise<Response>;
  /** Called when a refresh is refused: the user must sign in again. */
  onSignedOut?: () => void;
}

/** What a sign-in step ends with: signed in, or the next challenge to answer. */
export type SignInStep =
  | { result: "tokens"; idToken: string; expiresIn: number; device?: Device }
  | { result: "challenge"; challenge: Challenge; device?: Device };

export interface MfaSetupStarted {
  secret: string;
  /** For a QR code. */
  otpauthUri: string;
  /** The MFA_SETUP challenge with the session to verify the first code with. */
  challenge: ChallengeOf<"MFA_SETUP">;
}

/** The header by which a browser asks for cookie mode. */
export const AUTH_MODE_HEADER = "X-Auth-Mode";

export function defaultMode(): Mode {
  return "document" in globalThis ? "cookie" : "token";
}

export class AuthClient {
  readonly mode: Mode;
  /** The public routes (sign-up, password recovery, ...), without a token. */
  readonly public: Client<paths>;
  /** The signed-in routes: the access token is sent, and a 401 refreshes once and retries. */
  readonly api: Client<paths>;

  // Memory only: never written to storage, gone with the page.
  #accessToken: string | null = null;
  #idToken: string | null = null;
  #refreshing: Promise<string | null> | null = null;
  readonly #store: CredentialStore;
  readonly #fetch: (request: Request) => Promise<Response>;
  readonly #onSignedOut: (() => void) | undefined;

  constructor(options: AuthClientOptions) {
    this.mode = options.mode ?? defaultMode();
    this.#store = options.store ?? memoryStore();
    this.#fetch = options.fetch ?? ((request) => globalThis.fetch(request));
    this.#onSignedOut = options.onSignedOut;
    this.public = createClient<paths>({ baseUrl: options.baseUrl, fetch: this.#fetch });
    this.api = createClient<paths>({ baseUrl: options.baseUrl, fetch: (request) => this.#authorized(request) });
  }

  get signedIn(): boolean {
    return this.#accessToken !== null;
  }

  /** The latest ID token (the user's claims), for backends that accept ID tokens. */
  get idToken(): string | null {
    return this.#idToken;
  }

  async login(input: { username: string; password: string; deviceName?: string }): Promise<SignInStep> {
    const deviceKey = this.mode === "token" ? await this.#store.get("deviceKey") : null;
    const { username, password, deviceName } = input;
    const body = { username, password, ...(deviceName ? { deviceName } : {}), ...(deviceKey ? { deviceKey } : {}) };
    return this.#step(await this.public.POST("/auth/login", { body, ...this.#cookie() }));
  }

  async newPassword(
    challenge: ChallengeOf<"NEW_PASSWORD_REQUIRED">,
    newPassword: string,
    attributes?: Record<string, string>,
  ): Promise<SignInStep> {
    const body = { username: challenge.username, session: challenge.session, newPassword, ...(attributes ? { attributes } : {}) };
    return this.#step(await this.public.POST("/auth/new-password", { body, ...this.#cookie() }));
  }

  async answerMfa(challenge: CodeChallenge, code: string, deviceName?: string): Promise<SignInStep> {
    const body = { username: challenge.username, session: challenge.session, challenge: challenge.name, code, ...(deviceName ? { deviceName } : {}) };
    return this.#step(await this.public.POST("/auth/mfa", { body, ...this.#cookie() }));
  }

  async chooseMfa(challenge: ChallengeOf<"SELECT_MFA_TYPE">, factor: Factor): Promise<SignInStep> {
    const body = { username: challenge.username, session: challenge.session, challenge: challenge.name, factor };
    return this.#step(await this.public.POST("/auth/mfa", { body, ...this.#cookie() }));
  }

  async startMfaSetup(challenge: ChallengeOf<"MFA_SETUP">): Promise<MfaSetupStarted> {
    const body = { username: challenge.username, session: challenge.session };
    const setup = unwrap(await this.public.POST("/auth/mfa/setup", { body }));
    if (!setup.session) throw new Error("/auth/mfa/setup answered no session");
    return { secret: setup.secret, otpauthUri: setup.otpauthUri, challenge: { ...challenge, session: setup.session } };
  }

  async finishMfaSetup(challenge: ChallengeOf<"MFA_SETUP">, code: string, deviceName?: string): Promise<SignInStep> {
    const body = { username: challenge.username, session: challenge.session, code, ...(deviceName ? { deviceName } : {}) };
    return this.#step(await this.public.POST("/auth/mfa/setup/verify", { body, ...this.#cookie() }));
  }

  /**
   * Starts a sign-in without a password. Without `factor`, SELECT_CHALLENGE (the
   * deployment's factors); with it, that factor's challenge: EMAIL_OTP or SMS_OTP (a code
   * is on its way) or WEB_AUTHN (options for navigator.credentials.get). Every username
   * gets the same answer, a user's or not.
   */
  async startPasswordless(input: { username: string; factor?: FirstFactor }): Promise<SignInStep> {
    const { username, factor } = input;
    const body = { username, ...(factor ? { factor } : {}) };
    return this.#step(await this.public.POST("/auth/passwordless", { body, ...this.#cookie() }));
  }

  /** Answers SELECT_CHALLENGE with one of its `factors`: that factor's challenge. */
  async choosePasswordlessFactor(challenge: ChallengeOf<"SELECT_CHALLENGE">, factor: FirstFactor): Promise<SignInStep> {
    const body = { username: challenge.username, session: challenge.session, factor };
    return this.#step(await this.public.POST("/auth/passwordless/factor", { body, ...this.#cookie() }));
  }

  /** Answers a passwordless EMAIL_OTP or SMS_OTP with the code sent. */
  async answerPasswordlessCode(challenge: OtpChallenge, code: string, deviceName?: string): Promise<SignInStep> {
    const body = { username: challenge.username, session: challenge.session, challenge: challenge.name, code, ...(deviceName ? { deviceName } : {}) };
    return this.#step(await this.public.POST("/auth/passwordless/code", { body, ...this.#cookie() }));
  }

  /** Answers WEB_AUTHN with the authenticator's assertion (AuthenticationResponseJSON). */
  async answerPasskey(challenge: ChallengeOf<"WEB_AUTHN">, credential: WebAuthnCredential, deviceName?: string): Promise<SignInStep> {
    const body = { username: challenge.username, session: challenge.session, credential, ...(deviceName ? { deviceName } : {}) };
    return this.#step(await this.public.POST("/auth/passwordless/passkey", { body, ...this.#cookie() }));
  }

  /**
   * A new access token from the refresh token (the cookie, or the store's). After a
   * reload this is how a page finds out whether the user is still signed in.
   */
  async refresh(): Promise<boolean> {
    return (await this.#refreshOnce()) !== null;
  }

  /** Ends this sign-in (the refresh token is revoked), or every sign-in of the user. */
  async logout(options: { everywhere?: boolean } = {}): Promise<void> {
    const bearer = this.#accessToken ?? (await this.#refreshOnce());
    if (bearer === null) return;
    const refreshToken = this.mode === "token" ? await this.#store.get("refreshToken") : null;
    const body = options.everywhere ? { everywhere: true } : refreshToken ? { refreshToken } : {};
    const answer = await this.public.POST("/auth/logout", {
      body,
      ...this.#cookie(),
      headers: { ...this.#cookie().headers, Authorization: `Bearer ${bearer}` },
    });
    this.#accessToken = null;
    this.#idToken = null;
    if (this.mode === "token") await this.#store.set("refreshToken", null);
    unwrap(answer);
  }

  // The header and credentials of the routes that answer tokens or take a refresh token.
  #cookie(): { headers?: Record<string, string>; credentials?: RequestCredentials } {
    return this.mode === "cookie" ? { headers: { [AUTH_MODE_HEADER]: "cookie" }, credentials: "include" } : {};
  }

  async #step(answer: { data?: AuthResult; error?: unknown; response: Response }): Promise<SignInStep> {
    const result = unwrap(answer);
    switch (result.result) {
      case "tokens":
        await this.#keep(result.tokens, result.device);
        return {
          result: "tokens",
          idToken: result.tokens.idToken,
          expiresIn: result.tokens.expiresIn,
          ...(result.device ? { device: result.device } : {}),
        };
      case "challenge":
        // The generated type is one object whose name is the enum; the union narrows by name.
        return { result: "challenge", challenge: result.challenge as Challenge, ...(result.device ? { device: result.device } : {}) };
    }
  }

  async #keep(tokens: { accessToken: string; idToken: string; refreshToken?: string }, device?: Device): Promise<void> {
    this.#accessToken = tokens.accessToken;
    this.#idToken = tokens.idToken;
    // In cookie mode the refresh token is the cookie's business: one in a body is dropped.
    if (this.mode === "token") {
      if (tokens.refreshToken) await this.#store.set("refreshToken", tokens.refreshToken);
      if (device) await this.#store.set("deviceKey", device.deviceKey);
    }
  }

  /** One refresh in flight: every caller that meets a 401 meanwhile waits for it. */
  #refreshOnce(): Promise<string | null> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<string | null> {
    let body: { refreshToken: string; deviceKey?: string };
    if (this.mode === "token") {
      const refreshToken = await this.#store.get("refreshToken");
      if (!refreshToken) return this.#signedOut();
      const deviceKey = await this.#store.get("deviceKey");
      body = { refreshToken, ...(deviceKey ? { deviceKey } : {}) };
    } else {
      // The cookie carries the refresh token and the device key.
      body = {} as typeof body;
    }
    const answer = await this.public.POST("/auth/refresh", { body, ...this.#cookie() });
    if (answer.response.status === 400 || answer.response.status === 401) return this.#signedOut();
    const result = unwrap(answer);
    if (result.result !== "tokens") throw new AuthApiError(answer.response.status, undefined);
    await this.#keep(result.tokens);
    return result.tokens.accessToken;
  }

  async #signedOut(): Promise<null> {
    const wasSignedIn = this.#accessToken !== null;
    this.#accessToken = null;
    this.#idToken = null;
    if (this.mode === "token") await this.#store.set("refreshToken", null);
    if (wasSignedIn) this.#onSignedOut?.();
    return null;
  }

  async #authorized(request: Request): Promise<Response> {
    const retry = request.clone();
    const sent = this.#accessToken ?? (await this.#refreshOnce());
    const first = await this.#send(request, sent);
    if (first.status !== 401 || sent === null) return first;
    // Another call may have refreshed while this one was on its way.
    const fresh = this.#accessToken !== null && this.#accessToken !== sent ? this.#accessToken : await this.#refreshOnce();
    return fresh === null ? first : this.#send(retry, fresh);
  }

  #send(request: Request, token: string | null): Promise<Response> {
    if (token !== null) request.headers.set("Authorization", `Bearer ${token}`);
    return this.#fetch(request);
  }
}
