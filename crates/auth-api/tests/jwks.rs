//! The admin route's key cache against a JWKS server that fails, then rotates.
//! The two RSA keys in tests/fixtures are test-only, made for this file.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth_api::error::ErrorCode;
use auth_api::jwt::AccessTokenVerifier;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

const ISSUER: &str = "https://issuer.example/us-east-1_test";

struct Jwks {
    /// None: the server answers 500.
    keys: Mutex<Option<JwkSet>>,
    fetches: AtomicUsize,
}

async fn serve(State(jwks): State<Arc<Jwks>>) -> Result<Json<Value>, StatusCode> {
    jwks.fetches.fetch_add(1, Ordering::SeqCst);
    let keys = jwks.keys.lock().unwrap().clone();
    keys.map(|set| Json(serde_json::to_value(set).unwrap())).ok_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn key(name: &str) -> (EncodingKey, Jwk) {
    let der = std::fs::read(format!("{}/tests/fixtures/test-key-{name}.der", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let encoding = EncodingKey::from_rsa_der(&der);
    let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(name.to_owned());
    (encoding, jwk)
}

fn token(name: &str, encoding: &EncodingKey) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    signed(
        name,
        encoding,
        json!({"sub": "s", "iss": ISSUER, "client_id": "client", "token_use": "access", "exp": now + 600, "username": "u"}),
    )
}

fn signed(name: &str, encoding: &EncodingKey, claims: Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(name.to_owned());
    encode(&header, &claims, encoding).unwrap()
}

async fn jwks_server(jwks: Arc<Jwks>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let router = Router::new().route("/jwks.json", get(serve)).with_state(jwks);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

#[tokio::test]
async fn a_failing_jwks_is_not_fetched_again_within_the_interval() {
    // GIVEN a JWKS endpoint that fails
    let jwks = Arc::new(Jwks { keys: Mutex::new(None), fetches: AtomicUsize::new(0) });
    let verifier = AccessTokenVerifier::new(jwks_server(jwks.clone()).await, ISSUER.into(), "client".into());
    let (one, _) = key("one");
    // WHEN many tokens with unknown key ids arrive THEN one fetch, and then answers without fetching
    let first = verifier.verify(&token("one", &one)).await.unwrap_err();
    assert_eq!(first.code, ErrorCode::UpstreamUnavailable);
    for _ in 0..5 {
        assert!(verifier.verify(&token("one", &one)).await.is_err());
    }
    assert_eq!(jwks.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn keys_already_known_survive_a_rotation() {
    // GIVEN a JWKS with key one, and a token signed with it
    let ((one, one_jwk), (two, two_jwk)) = (key("one"), key("two"));
    let jwks = Arc::new(Jwks { keys: Mutex::new(Some(JwkSet { keys: vec![one_jwk] })), fetches: AtomicUsize::new(0) });
    let verifier = AccessTokenVerifier::new(jwks_server(jwks.clone()).await, ISSUER.into(), "client".into())
        .with_refetch_interval(Duration::from_millis(10));
    let old = token("one", &one);
    verifier.verify(&old).await.expect("key one verifies");
    // WHEN the set rotates to key two only
    *jwks.keys.lock().unwrap() = Some(JwkSet { keys: vec![two_jwk] });
    tokio::time::sleep(Duration::from_millis(20)).await;
    // THEN tokens of both keys verify
    verifier.verify(&token("two", &two)).await.expect("key two verifies after a refetch");
    verifier.verify(&old).await.expect("key one is kept");
    assert_eq!(jwks.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn logouts_check_allows_expiry_but_nothing_else() {
    // GIVEN the pool's key, and tokens signed with it
    let (one, one_jwk) = key("one");
    let jwks = Arc::new(Jwks { keys: Mutex::new(Some(JwkSet { keys: vec![one_jwk] })), fetches: AtomicUsize::new(0) });
    let verifier = AccessTokenVerifier::new(jwks_server(jwks).await, ISSUER.into(), "client".into());
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let claims = json!({"sub": "s", "iss": ISSUER, "client_id": "client", "token_use": "access", "exp": now - 3600});
    // WHEN the access token expired an hour ago THEN the usual check refuses it, logout's accepts it
    let expired = signed("one", &one, claims.clone());
    assert_eq!(verifier.verify(&expired).await.unwrap_err().code, ErrorCode::TokenExpired);
    verifier.verify_allowing_expiry(&expired).await.expect("an expired access token of this client");
    // AND another client's, another issuer's, an ID token and an unsigned or garbage one are refused
    let altered = |name: &str, value: Value| {
        let mut claims = claims.clone();
        claims[name] = value;
        signed("one", &one, claims)
    };
    let unsigned = format!("{}.", expired.rsplit_once('.').unwrap().0);
    for token in [
        altered("client_id", json!("another")),
        altered("iss", json!("https://issuer.example/us-east-1_other")),
        altered("token_use", json!("id")),
        unsigned,
        "garbage".to_owned(),
    ] {
        let refused = verifier.verify_allowing_expiry(&token).await.unwrap_err();
        // An ID token of this pool is told apart: the client sent the other token of its sign-in.
        let kind = if token.contains('.') && claims_of(&token)["token_use"] == "id" {
            ErrorCode::WrongTokenType
        } else {
            ErrorCode::Unauthenticated
        };
        assert_eq!(refused.code, kind, "{token}");
    }
}

/// A JWT's payload, unverified, or null when it has none.
fn claims_of(token: &str) -> Value {
    use base64::Engine;
    token
        .split('.')
        .nth(1)
        .and_then(|payload| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null)
}
