//! The flows of the load test, as goose transactions: each goose user signs in
//! as a Cognito user of its own, again and again, and checks that every token
//! and answer it gets is that user's (a crossed session), and that a token it
//! was just given works (a lost session). What goes wrong is counted by kind.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use goose::prelude::*;
use serde_json::{json, Value};

/// A Cognito user a goose user signs in as.
#[derive(Clone, Debug)]
pub struct Account {
    pub username: String,
    pub password: String,
    pub sub: String,
    /// The TOTP secret, for the accounts with MFA on.
    pub totp: Option<String>,
    /// The TOTP step whose code set it up (used once: the flows take later ones).
    pub totp_step: i64,
}

pub static PLAIN: OnceLock<Vec<Account>> = OnceLock::new();
pub static WITH_MFA: OnceLock<Vec<Account>> = OnceLock::new();
static NEXT_PLAIN: AtomicUsize = AtomicUsize::new(0);
static NEXT_MFA: AtomicUsize = AtomicUsize::new(0);
static KINDS: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());
pub static FLOWS: AtomicUsize = AtomicUsize::new(0);

/// Counts one outcome of `kind` ("crossed session", "500 POST /auth/login", ...).
fn count(kind: String) {
    *KINDS.lock().unwrap().entry(kind).or_default() += 1;
}

/// The outcomes counted since the last call, and the flows completed.
pub fn take_counts() -> (BTreeMap<String, usize>, usize) {
    (std::mem::take(&mut *KINDS.lock().unwrap()), FLOWS.swap(0, Ordering::SeqCst))
}

/// The last TOTP step whose code each account used (Cognito takes each code once),
/// across phases: a goose user of a later phase signs in as an account of an earlier one.
static LAST_STEPS: Mutex<BTreeMap<String, i64>> = Mutex::new(BTreeMap::new());

#[derive(Clone)]
struct Session {
    account: Account,
}

pub async fn claim_plain(user: &mut GooseUser) -> TransactionResult {
    let accounts = PLAIN.get().expect("accounts");
    let account = accounts[NEXT_PLAIN.fetch_add(1, Ordering::SeqCst) % accounts.len()].clone();
    user.set_session_data(Session { account });
    Ok(())
}

pub async fn claim_mfa(user: &mut GooseUser) -> TransactionResult {
    let accounts = WITH_MFA.get().expect("accounts");
    let account = accounts[NEXT_MFA.fetch_add(1, Ordering::SeqCst) % accounts.len()].clone();
    user.set_session_data(Session { account });
    Ok(())
}

/// Sign in, refresh, /auth/me, log out.
pub async fn password_flow(user: &mut GooseUser) -> TransactionResult {
    let account = user.get_session_data::<Session>().expect("session").account.clone();
    let body = json!({"username": account.username, "password": account.password});
    let Some(login) = call(user, GooseMethod::Post, "/auth/login", Some(body), None).await? else { return Ok(()) };
    let Some(tokens) = own_tokens(&login, &account, "login") else { return Ok(()) };
    let refresh = tokens["refreshToken"].as_str().unwrap_or_default().to_owned();
    let body = json!({"refreshToken": refresh});
    let Some(refreshed) = call(user, GooseMethod::Post, "/auth/refresh", Some(body), None).await? else {
        return Ok(());
    };
    let Some(refreshed) = own_tokens(&refreshed, &account, "refresh") else { return Ok(()) };
    finish(user, &account, refreshed["accessToken"].as_str().unwrap_or_default(), &refresh).await
}

/// Sign in, answer the TOTP challenge, /auth/me, log out.
pub async fn mfa_flow(user: &mut GooseUser) -> TransactionResult {
    let account = user.get_session_data::<Session>().expect("session").account.clone();
    let body = json!({"username": account.username, "password": account.password});
    let Some(login) = call(user, GooseMethod::Post, "/auth/login", Some(body), None).await? else { return Ok(()) };
    if login["challenge"]["name"] != "SOFTWARE_TOKEN_MFA" {
        count("no MFA challenge at login".into());
        return Ok(());
    }
    let session = login["challenge"]["session"].as_str().unwrap_or_default().to_owned();
    let code = next_code(user).await;
    let body =
        json!({"username": account.username, "session": session, "challenge": "SOFTWARE_TOKEN_MFA", "code": code});
    let Some(answered) = call(user, GooseMethod::Post, "/auth/mfa", Some(body), None).await? else { return Ok(()) };
    let Some(tokens) = own_tokens(&answered, &account, "mfa") else { return Ok(()) };
    let refresh = tokens["refreshToken"].as_str().unwrap_or_default().to_owned();
    finish(user, &account, tokens["accessToken"].as_str().unwrap_or_default(), &refresh).await
}

async fn finish(user: &mut GooseUser, account: &Account, access: &str, refresh: &str) -> TransactionResult {
    let Some(me) = call(user, GooseMethod::Get, "/auth/me", None, Some(access)).await? else { return Ok(()) };
    if me["username"] != account.username.as_str() || me["attributes"]["sub"] != account.sub.as_str() {
        count("crossed session: /auth/me answered another user".into());
        return Ok(());
    }
    let body = json!({"refreshToken": refresh});
    if call(user, GooseMethod::Post, "/auth/logout", Some(body), Some(access)).await?.is_some() {
        FLOWS.fetch_add(1, Ordering::SeqCst);
    }
    Ok(())
}

/// The tokens of a 200 answer, if they are `account`'s; counts them otherwise.
fn own_tokens<'a>(answer: &'a Value, account: &Account, step: &str) -> Option<&'a Value> {
    let tokens = &answer["tokens"];
    let access = claims(tokens["accessToken"].as_str().unwrap_or_default());
    let id = claims(tokens["idToken"].as_str().unwrap_or_default());
    let (Some(access), Some(id)) = (access, id) else {
        count(format!("lost session: no tokens after {step}"));
        return None;
    };
    let theirs = access["username"] == account.username.as_str()
        && access["sub"] == account.sub.as_str()
        && id["cognito:username"] == account.username.as_str()
        && id["sub"] == account.sub.as_str();
    if !theirs {
        count(format!("crossed session: another user's tokens after {step}"));
        return None;
    }
    Some(tokens)
}

/// A JWT's claims, unverified (the API verified them; this checks whose they are).
fn claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// The TOTP step a code is taken from now, by the wall clock (the local
/// Cognito's runs on it): the previous step's while well inside this one.
pub fn usable_step() -> (i64, i64) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let (step, into_step) = (now / 30, now % 30);
    (if into_step < 25 { step - 1 } else { step }, step)
}

/// A TOTP code of a step not used yet, within the step of skew Cognito allows;
/// waits for the next step when the user has used them all.
async fn next_code(user: &mut GooseUser) -> String {
    let account = user.get_session_data::<Session>().expect("session").account.clone();
    let secret = account.totp.clone().expect("a TOTP account");
    loop {
        if let Some(step) = claim_step(&account) {
            return local_cognito::totp_code(&secret, (step * 30) as u64);
        }
        let into_step = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() % 30;
        tokio::time::sleep(Duration::from_secs(30 - into_step)).await;
    }
}

/// The next unused step within the allowed skew, marked used; None when all are used.
fn claim_step(account: &Account) -> Option<i64> {
    let (earliest, step) = usable_step();
    let mut last_steps = LAST_STEPS.lock().unwrap();
    let last = last_steps.entry(account.username.clone()).or_insert(account.totp_step);
    let candidate = (*last + 1).max(earliest);
    (candidate <= step + 1).then(|| {
        *last = candidate;
        candidate
    })
}

/// One API call. Answers the JSON body of a 2xx; None (after counting its
/// kind) for any other answer or a transport error.
async fn call(
    user: &mut GooseUser,
    method: GooseMethod,
    path: &'static str,
    body: Option<Value>,
    bearer: Option<&str>,
) -> Result<Option<Value>, Box<TransactionError>> {
    let mut builder = user.get_request_builder(&method, path)?;
    if let Some(body) = &body {
        builder = builder.json(body);
    }
    if let Some(token) = bearer {
        builder = builder.bearer_auth(token);
    }
    let label = format!("{} {path}", method_name(&method));
    let request = GooseRequest::builder().method(method).path(path).set_request_builder(builder).build();
    let goose = user.request(request).await?;
    let response = match goose.response {
        Ok(response) => response,
        Err(error) => {
            count(format!("transport error {label}: {}", if error.is_timeout() { "timeout" } else { "failed" }));
            return Ok(None);
        }
    };
    let status = response.status().as_u16();
    let retry_after = response.headers().contains_key("retry-after");
    let text = response.text().await.unwrap_or_default();
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return Ok(Some(body));
    }
    let code = body["code"].as_str().unwrap_or("-");
    let kind = match status {
        401 if path != "/auth/login" && path != "/auth/mfa" => format!("lost session: 401 {label} ({code})"),
        429 | 503 if retry_after => format!("{status} {label} {code}, with Retry-After"),
        429 | 503 => format!("{status} {label} {code}, WITHOUT Retry-After"),
        _ => format!("{status} {label} {code}"),
    };
    count(kind);
    Ok(None)
}

fn method_name(method: &GooseMethod) -> &'static str {
    match method {
        GooseMethod::Get => "GET",
        GooseMethod::Post => "POST",
        _ => "?",
    }
}
