// The local console (docs/console.md). It reads and acts on the local pool
// through the local server: POST /_local/cognito passes on the Cognito
// operations this page uses (the server adds the caller key, which this page
// never sees), /_local/clock and /_local/pool/reset likewise, each with the
// x-local-console header that tells the server the call is this page's.
//
// Everything shown goes into the page as text, never as HTML: usernames,
// attributes and messages are whatever someone typed.
"use strict";

const CONSOLE_HEADERS = { "x-local-console": "1" };
const POLL_MS = 3000;
const $ = (id) => document.getElementById(id);

const KINDS = {
  sign_up: "Sign-up code",
  invitation: "Invitation: temporary password",
  forgot_password: "Password reset code",
  attribute_verification: "Verification code",
  mfa: "MFA code",
  notice: "Notice",
};
const FACTORS = { SOFTWARE_TOKEN_MFA: "TOTP", SMS_MFA: "SMS", EMAIL_OTP: "Email" };

let poolId = null;
let shownUsers = "";
let shownInbox = "";
let clock = null;

// ---- calls ----------------------------------------------------------------

async function cognito(operation, input = {}) {
  const response = await fetch("/_local/cognito", {
    method: "POST",
    headers: { ...CONSOLE_HEADERS, "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(input),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${operation}: ${body.message ?? body.detail ?? `HTTP ${response.status}`}`);
  return body;
}

async function local(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? CONSOLE_HEADERS : { ...CONSOLE_HEADERS, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.detail ?? answer.message ?? `${path}: HTTP ${response.status}`);
  return answer;
}

// ---- small helpers --------------------------------------------------------

/** An element with attributes and children; strings become text nodes. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "onclick") node.addEventListener("click", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function say(text, error = false) {
  const status = $("status");
  status.textContent = text;
  status.className = error ? "error" : "ok";
}

const pad = (n) => String(n).padStart(2, "0");

function when(seconds) {
  const date = new Date(seconds * 1000);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function duration(seconds) {
  if (!seconds) return "none";
  const parts = [];
  let rest = Math.abs(seconds);
  for (const [unit, size] of [["day", 86400], ["h", 3600], ["min", 60], ["s", 1]]) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count) parts.push(unit === "day" ? `${count} day${count > 1 ? "s" : ""}` : `${count} ${unit}`);
  }
  return `${seconds < 0 ? "-" : "+"}${parts.join(" ")}`;
}

function ago(seconds) {
  const now = clockNow();
  if (now === null) return "";
  const gone = now - seconds;
  if (gone < 60) return "just now";
  if (gone < 3600) return `${Math.floor(gone / 60)} min ago`;
  if (gone < 86400) return `${Math.floor(gone / 3600)} h ago`;
  return `${Math.floor(gone / 86400)} d ago`;
}

/** Seconds since the epoch: Cognito's dates are numbers here, strings elsewhere. */
function epoch(value) {
  if (typeof value === "number") return value > 1e12 ? Math.floor(value / 1000) : value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? 0 : Math.floor(parsed / 1000);
}

const attributeMap = (list) => Object.fromEntries((list ?? []).map((a) => [a.Name, a.Value]));

// ---- users ----------------------------------------------------------------

async function loadUsers() {
  const users = [];
  let token;
  do {
    const page = await cognito("ListUsers", token ? { PaginationToken: token } : {});
    users.push(...(page.Users ?? []));
    token = page.PaginationToken;
  } while (token);
  const detailed = await Promise.all(
    users.map(async (user) => {
      const input = { Username: user.Username };
      const [details, groups, devices] = await Promise.all([
        cognito("AdminGetUser", input).catch(() => ({})),
        cognito("AdminListGroupsForUser", input).catch(() => ({ Groups: [] })),
        // Refused when the pool does not track devices.
        cognito("AdminListDevices", input).catch(() => null),
      ]);
      return {
        username: user.Username,
        attributes: attributeMap(user.Attributes),
        status: user.UserStatus,
        enabled: user.Enabled,
        created: epoch(user.UserCreateDate),
        factors: details.UserMFASettingList ?? [],
        preferred: details.PreferredMfaSetting ?? null,
        groups: (groups.Groups ?? []).map((group) => group.GroupName).sort(),
        devices: devices ? (devices.Devices ?? []).map((d) => attributeMap(d.DeviceAttributes).device_name ?? d.DeviceKey) : null,
      };
    }),
  );
  detailed.sort((a, b) => b.created - a.created || a.username.localeCompare(b.username));
  const fingerprint = JSON.stringify(detailed);
  if (fingerprint === shownUsers) return;
  shownUsers = fingerprint;
  renderUsers(detailed);
}

function renderUsers(users) {
  $("users-count").textContent = `(${users.length})`;
  $("users-empty").hidden = users.length > 0;
  $("users-rows").replaceChildren(...users.map(userRow));
}

function userRow(user) {
  const { username, attributes } = user;
  const names = Object.keys(attributes).sort();
  const email = attributes.email;
  const verified = attributes.email_verified === "true";
  const mfa = user.factors.length
    ? user.factors.map((factor) => el("span", { class: factor === user.preferred ? "factor preferred" : "factor", title: factor === user.preferred ? "preferred" : undefined }, FACTORS[factor] ?? factor, factor === user.preferred ? " ★" : ""))
    : el("span", { class: "muted" }, "none");
  const devices =
    user.devices === null
      ? el("span", { class: "muted", title: "the pool does not track devices" }, "—")
      : user.devices.length === 0
        ? el("span", { class: "muted" }, "0")
        : el("details", {}, el("summary", {}, String(user.devices.length)), el("ul", { class: "plain" }, user.devices.map((name) => el("li", {}, name))));
  const actions = [];
  if (user.status === "UNCONFIRMED") {
    actions.push(el("button", { type: "button", class: "primary", "aria-label": `Confirm ${username}`, onclick: (e) => act(e.currentTarget, "AdminConfirmSignUp", username, `${username} is confirmed.`) }, "Confirm"));
  }
  if (user.enabled) {
    actions.push(el("button", { type: "button", "aria-label": `Disable ${username}`, onclick: (e) => act(e.currentTarget, "AdminDisableUser", username, `${username} is disabled: they cannot sign in, and their refresh tokens stop working.`) }, "Disable"));
  } else {
    actions.push(el("button", { type: "button", "aria-label": `Enable ${username}`, onclick: (e) => act(e.currentTarget, "AdminEnableUser", username, `${username} is enabled again.`) }, "Enable"));
  }
  actions.push(
    el("button", {
      type: "button",
      class: "danger",
      "aria-label": `Delete ${username}`,
      onclick: (e) => {
        if (confirm(`Delete the user ${username}? This cannot be undone.`)) act(e.currentTarget, "AdminDeleteUser", username, `${username} is deleted.`);
      },
    }, "Delete"),
  );
  return el(
    "tr",
    { "data-username": username, class: user.enabled ? undefined : "disabled" },
    el("th", { scope: "row" },
      el("span", { class: "username" }, username),
      el("details", { class: "attributes" },
        el("summary", {}, `attributes (${names.length})`),
        el("dl", {}, names.map((name) => [el("dt", {}, name), el("dd", {}, attributes[name])])))),
    el("td", {}, email ? [el("span", { class: "email" }, email), el("br"), el("span", { class: verified ? "badge good" : "badge warn" }, verified ? "verified" : "unverified")] : el("span", { class: "muted" }, "—")),
    el("td", {},
      el("span", { class: `badge status status-${user.status}` }, user.status),
      el("br"),
      el("span", { class: user.enabled ? "enabled" : "badge bad enabled" }, user.enabled ? "enabled" : "disabled")),
    el("td", {}, user.groups.length ? user.groups.join(", ") : el("span", { class: "muted" }, "—")),
    el("td", {}, mfa),
    el("td", {}, devices),
    el("td", { class: "actions" }, actions),
  );
}

async function act(button, operation, username, done) {
  button.disabled = true;
  try {
    await cognito(operation, { Username: username });
    say(done);
    await loadUsers();
  } catch (error) {
    say(error.message, true);
    button.disabled = false;
  }
}

// ---- inbox ----------------------------------------------------------------

async function loadInbox() {
  const response = await fetch("/_local/outbox");
  if (!response.ok) throw new Error(`the outbox answered HTTP ${response.status}`);
  const all = await response.json();
  // This pool's messages, and the API's notices (which name no pool); newest first.
  const messages = all
    .map((message, index) => ({ ...message, index }))
    .filter((message) => !message.userPoolId || message.userPoolId === poolId)
    .sort((a, b) => epoch(b.at) - epoch(a.at) || b.index - a.index);
  const fingerprint = JSON.stringify(messages);
  if (fingerprint === shownInbox) {
    refreshAges();
    return;
  }
  shownInbox = fingerprint;
  $("inbox-count").textContent = `(${messages.length})`;
  $("inbox-empty").hidden = messages.length > 0;
  $("inbox-list").replaceChildren(...messages.map(messageItem));
}

function messageItem(message) {
  const kind = KINDS[message.kind] ?? message.kind;
  const at = epoch(message.at);
  const medium = message.deliveryMedium ? ` by ${message.deliveryMedium === "SMS" ? "SMS" : message.deliveryMedium.toLowerCase()}` : "";
  const meta = [
    el("div", { class: "meta" },
      el("span", { class: `badge kind kind-${message.kind}`, title: message.kind }, kind),
      message.username ? el("span", { class: "who" }, message.username) : null,
      el("time", { datetime: new Date(at * 1000).toISOString(), title: when(at), "data-at": at }, ago(at))),
    el("div", { class: "to" }, `to `, el("strong", {}, message.destination || "?"), medium),
  ];
  const body = [];
  if (message.code) {
    const copy = el("button", {
      type: "button",
      class: "copy",
      "aria-label": `Copy the ${kind.toLowerCase()} for ${message.username || message.destination}`,
      onclick: () => copyCode(copy, message.code),
    }, "Copy");
    body.push(el("div", { class: "code-row" }, el("code", { class: "code" }, message.code), copy));
  }
  if (message.subject || message.text) {
    body.push(el("div", { class: "notice" }, message.subject ? el("strong", {}, message.subject) : null, message.text ? el("p", { class: "text" }, message.text) : null));
  }
  return el("li", { class: "message", "data-kind": message.kind }, meta, body);
}

function refreshAges() {
  for (const time of document.querySelectorAll("#inbox-list time[data-at]")) time.textContent = ago(Number(time.dataset.at));
}

async function copyCode(button, code) {
  try {
    await navigator.clipboard.writeText(code);
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = "Copy"), 2000);
  } catch {
    say("The browser did not let the page write the clipboard: select the code instead.", true);
  }
}

// ---- clock ----------------------------------------------------------------

function clockNow() {
  if (!clock) return null;
  return clock.frozen ? clock.now : clock.now + Math.floor((Date.now() - clock.readAt) / 1000);
}

async function loadClock() {
  clock = { ...(await local("/_local/clock")), readAt: Date.now() };
  renderClock();
}

function renderClock() {
  const now = clockNow();
  if (now === null) return;
  $("clock-now").textContent = when(now);
  $("clock-now").setAttribute("datetime", new Date(now * 1000).toISOString());
  $("clock-offset").textContent = duration(clock.offsetSeconds);
}

async function moveClock(button) {
  const seconds = Number(button.dataset.seconds);
  button.disabled = true;
  try {
    const moved = await local("/_local/clock", { seconds });
    clock = { ...clock, now: moved.now, offsetSeconds: moved.offsetSeconds, readAt: Date.now() };
    renderClock();
    refreshAges();
    say(`The clock moved forward ${duration(seconds).slice(1)}.`);
  } catch (error) {
    say(error.message, true);
  } finally {
    button.disabled = false;
  }
}

// ---- settings -------------------------------------------------------------

async function loadSettings() {
  const { UserPool: pool } = await cognito("DescribeUserPool");
  poolId = pool.Id;
  $("pool-id").textContent = pool.Id;
  const [mfa, groups, clientList] = await Promise.all([
    cognito("GetUserPoolMfaConfig").catch(() => ({})),
    cognito("ListGroups").catch(() => ({ Groups: [] })),
    cognito("ListUserPoolClients", { MaxResults: 60 }).catch(() => ({ UserPoolClients: [] })),
  ]);
  const clients = await Promise.all((clientList.UserPoolClients ?? []).map((c) => cognito("DescribeUserPoolClient", { ClientId: c.ClientId }).then((d) => d.UserPoolClient)));
  clients.sort((a, b) => (a.ClientName ?? "").localeCompare(b.ClientName ?? ""));
  const policy = pool.Policies?.PasswordPolicy ?? {};
  const devices = pool.DeviceConfiguration;
  const triggers = Object.keys(pool.LambdaConfig ?? {}).filter((name) => typeof pool.LambdaConfig[name] === "string");
  const factors = [
    mfa.SoftwareTokenMfaConfiguration?.Enabled ? "TOTP" : null,
    mfa.SmsMfaConfiguration ? "SMS" : null,
    mfa.EmailMfaConfiguration ? "Email" : null,
  ].filter(Boolean);
  const requires = [
    policy.RequireUppercase && "upper case",
    policy.RequireLowercase && "lower case",
    policy.RequireNumbers && "digits",
    policy.RequireSymbols && "symbols",
  ].filter(Boolean);
  const blocks = [
    block("Pool", [
      ["Name", pool.Name],
      ["Id", pool.Id],
      ["Self sign-up", pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly ? "off: administrators create users" : "on"],
      ["Sign in with", pool.UsernameAttributes?.length ? pool.UsernameAttributes.join(", ") : "username"],
      ["Auto-verified", (pool.AutoVerifiedAttributes ?? []).join(", ") || "none"],
      ["Groups", (groups.Groups ?? []).map((g) => g.GroupName).sort().join(", ") || "none"],
    ]),
    block("MFA and devices", [
      ["MFA", mfa.MfaConfiguration ?? pool.MfaConfiguration ?? "OFF"],
      ["Factors", factors.join(", ") || "none"],
      ["Device tracking", devices ? (devices.DeviceOnlyRememberedOnUserPrompt ? "on: remembered when the user asks" : "on: always remembered") : "off"],
      ["New device challenged", devices ? (devices.ChallengeRequiredOnNewDevice ? "yes" : "no") : "—"],
      ["Triggers", triggers.join(", ") || "none"],
    ]),
    block("Password policy", [
      ["Minimum length", policy.MinimumLength ?? "—"],
      ["Requires", requires.join(", ") || "nothing more"],
      ["Temporary password", policy.TemporaryPasswordValidityDays ? `valid ${policy.TemporaryPasswordValidityDays} days` : "—"],
    ]),
    ...clients.map((client) =>
      block(`Client ${client.ClientName ?? ""}`, [
        ["Id", client.ClientId],
        ["Has a secret", client.ClientSecret ? "yes" : "no"],
        ["Auth flows", client.ExplicitAuthFlows?.length ? client.ExplicitAuthFlows : "none"],
        ["Access token", validity(client.AccessTokenValidity, client.TokenValidityUnits?.AccessToken ?? "hours", 1)],
        ["ID token", validity(client.IdTokenValidity, client.TokenValidityUnits?.IdToken ?? "hours", 1)],
        ["Refresh token", validity(client.RefreshTokenValidity, client.TokenValidityUnits?.RefreshToken ?? "days", 30)],
        ["Sign-in session", validity(client.AuthSessionValidity, "minutes", 3)],
        ["Token revocation", client.EnableTokenRevocation === false ? "off" : "on"],
        ["May write", (client.WriteAttributes ?? []).join(", ") || "—"],
      ]),
    ),
  ];
  $("settings-body").replaceChildren(...blocks);
}

function validity(value, unit, fallback) {
  const amount = value ?? fallback;
  return `${amount} ${amount === 1 ? unit.replace(/s$/, "") : unit}`;
}

function block(title, rows) {
  // A list shows one item a line (auth flows are long words).
  const shown = (value) => (Array.isArray(value) ? value.map((item) => el("div", {}, item)) : String(value));
  return el("div", { class: "block" }, el("h3", {}, title), el("dl", {}, rows.map(([name, value]) => [el("dt", {}, name), el("dd", {}, shown(value))])));
}

// ---- the whole page -------------------------------------------------------

let busy = false;

async function refreshLive() {
  if (busy) return;
  busy = true;
  try {
    await loadClock();
    await Promise.all([loadUsers(), loadInbox()]);
  } catch (error) {
    say(`Could not refresh: ${error.message}`, true);
  } finally {
    busy = false;
  }
}

async function resetPool(button) {
  if (!confirm("Reset the pool? Every user but the admin group's members is deleted, and this pool's inbox is emptied. The pool, its clients and groups stay.")) return;
  button.disabled = true;
  try {
    const done = await local("/_local/pool/reset", {});
    const kept = done.kept.length ? done.kept.join(", ") : "no one";
    say(`The pool is reset: ${done.deleted.length} user${done.deleted.length === 1 ? "" : "s"} deleted, kept ${kept}; ${done.messagesRemoved} message${done.messagesRemoved === 1 ? "" : "s"} cleared.`);
    shownUsers = shownInbox = "";
    await refreshLive();
  } catch (error) {
    say(error.message, true);
  } finally {
    button.disabled = false;
  }
}

async function start() {
  $("refresh").addEventListener("click", async () => {
    shownUsers = shownInbox = "";
    await Promise.all([loadSettings().catch((error) => say(error.message, true)), refreshLive()]);
  });
  $("reset-pool").addEventListener("click", (event) => resetPool(event.currentTarget));
  for (const button of document.querySelectorAll("#clock button[data-seconds]")) button.addEventListener("click", () => moveClock(button));
  setInterval(renderClock, 1000);
  setInterval(() => {
    if ($("auto-refresh").checked && !document.hidden) refreshLive();
  }, POLL_MS);
  try {
    await loadSettings();
  } catch (error) {
    say(`Could not read the pool: ${error.message}`, true);
    return;
  }
  await refreshLive();
}

start();
