//! Verifies Cognito tokens locally: RS256 signature against the pool's JWKS
//! (fetched on first use and cached), issuer, token_use, client id (access
//! tokens' `client_id`, ID tokens' `aud`), expiry. Public: backend teams use
//! it, through [`crate::verified::Verified`], in their own services.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, errors::ErrorKind, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::{OnceCell, RwLock};

use crate::bearer::unauthenticated;
use crate::cognito_error::upstream_unavailable;
use crate::error::{ApiError, ErrorCode};

/// An unknown key id triggers a refetch (Cognito rotated keys), but not more
/// often than this, whether the last fetch worked or failed: an outage must
/// not turn every request into a fetch.
const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(60);
/// Clock skew allowed on `exp` (and `nbf`), in seconds.
const CLOCK_LEEWAY_SECONDS: u64 = 30;
/// The longest a JWKS fetch may take, whatever the Cognito bound.
const MAX_FETCH_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug, Deserialize, serde::Serialize)]
pub struct AccessClaims {
    pub sub: String,
    pub username: Option<String>,
    /// Absent from an ID token: read as empty, so that `token_use` tells the kinds apart.
    #[serde(default)]
    pub client_id: String,
    pub token_use: String,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
}

/// An ID token's claims: who the user is, their groups, and their attributes
/// as the app client may read them (`email`, `email_verified`, `custom:...`).
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
pub struct IdClaims {
    pub sub: String,
    /// Absent from an access token, as `aud` is: read as empty, so that `token_use`
    /// tells the kinds apart.
    #[serde(rename = "cognito:username", default)]
    pub username: String,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    pub token_use: String,
    #[serde(default)]
    pub aud: String,
    /// Every other claim: the attributes, `auth_time`, `exp`, ...
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

pub struct AccessTokenVerifier {
    jwks_url: String,
    issuer: String,
    client_id: String,
    // Built on first use: most functions never verify a token themselves.
    http: OnceCell<reqwest::Client>,
    keys: RwLock<KeyCache>,
    refetch_interval: Duration,
    fetch_timeout: Duration,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
}

impl KeyCache {
    fn fetched_recently(&self, interval: Duration) -> bool {
        self.fetched_at.is_some_and(|at| at.elapsed() < interval)
    }
}

impl AccessTokenVerifier {
    pub fn new(jwks_url: String, issuer: String, client_id: String) -> Self {
        Self {
            jwks_url,
            issuer,
            client_id,
            http: OnceCell::new(),
            keys: RwLock::default(),
            refetch_interval: MIN_REFETCH_INTERVAL,
            fetch_timeout: MAX_FETCH_TIMEOUT,
        }
    }

    /// The bound on one JWKS fetch: the function's bound on Cognito calls, at most 5 s.
    pub fn with_fetch_timeout(mut self, timeout: Duration) -> Self {
        self.fetch_timeout = timeout.min(MAX_FETCH_TIMEOUT);
        self
    }

    /// Another pace for refetching on an unknown key id (the tests' is short).
    pub fn with_refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// An access token's claims, once its signature, issuer, expiry, use and client hold.
    pub async fn verify(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let claims: AccessClaims = self.decode(token, "access token").await?;
        if claims.token_use != "access" {
            return Err(crate::bearer::wrong_kind("access"));
        }
        if claims.client_id != self.client_id {
            return Err(unauthenticated("the access token was issued to another app client"));
        }
        Ok(claims)
    }

    /// An access token's claims, once its signature, issuer, use and client
    /// hold, expired or not: proof that the caller once held a token this
    /// pool issued to this client, for an act that only ends access (logout).
    pub async fn verify_allowing_expiry(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let claims: AccessClaims = self.decode_with(token, "access token", false).await?;
        if claims.token_use != "access" {
            return Err(crate::bearer::wrong_kind("access"));
        }
        if claims.client_id != self.client_id {
            return Err(unauthenticated("send an access token of this app client"));
        }
        Ok(claims)
    }

    /// An ID token's claims (the user's attributes and groups), once the same checks hold.
    pub async fn verify_id(&self, token: &str) -> Result<IdClaims, ApiError> {
        let claims: IdClaims = self.decode(token, "ID token").await?;
        if claims.token_use != "id" {
            return Err(crate::bearer::wrong_kind("id"));
        }
        if claims.aud != self.client_id {
            return Err(unauthenticated("the ID token was issued to another app client"));
        }
        Ok(claims)
    }

    async fn decode<C: serde::de::DeserializeOwned>(&self, token: &str, what: &str) -> Result<C, ApiError> {
        self.decode_with(token, what, true).await
    }

    async fn decode_with<C: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        what: &str,
        validate_exp: bool,
    ) -> Result<C, ApiError> {
        let header = decode_header(token).map_err(|_| unauthenticated(&format!("the {what} is malformed")))?;
        let not_cognitos = || unauthenticated(&format!("the {what} is not signed by Cognito"));
        if header.alg != Algorithm::RS256 {
            return Err(not_cognitos());
        }
        let kid = header.kid.ok_or_else(not_cognitos)?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = CLOCK_LEEWAY_SECONDS;
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.validate_exp = validate_exp;
        // Access tokens carry client_id, not aud: each kind's client is checked by its caller.
        validation.validate_aud = false;
        decode::<C>(token, &key, &validation).map(|data| data.claims).map_err(|error| match error.kind() {
            ErrorKind::ExpiredSignature => ApiError::new(
                ErrorCode::TokenExpired,
                format!("the {what} has expired: refresh it (POST /auth/refresh) and retry"),
            ),
            ErrorKind::InvalidSignature => not_cognitos(),
            _ => unauthenticated(&format!("the {what} is not valid for this API")),
        })
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, ApiError> {
        {
            let cache = self.keys.read().await;
            if let Some(key) = cache.keys.get(kid) {
                return Ok(key.clone());
            }
            if cache.fetched_recently(self.refetch_interval) {
                return Err(unauthenticated("the access token is not signed by Cognito"));
            }
        }
        let mut cache = self.keys.write().await;
        // Another request may have fetched while this one waited for the lock.
        if !cache.keys.contains_key(kid) && !cache.fetched_recently(self.refetch_interval) {
            cache.fetched_at = Some(Instant::now());
            // Keys already known stay: tokens signed before a rotation still verify.
            cache.keys.extend(self.fetch_keys().await?);
        }
        cache.keys.get(kid).cloned().ok_or_else(|| unauthenticated("the access token is not signed by Cognito"))
    }

    async fn fetch_keys(&self) -> Result<HashMap<String, DecodingKey>, ApiError> {
        let http =
            self.http
                .get_or_try_init(|| async {
                    let builder = reqwest::Client::builder().timeout(self.fetch_timeout);
                    #[cfg(feature = "bench-ca")]
                    let builder = match lambda_common::bench_ca::pem() {
                        Some(pem) => builder
                            .tls_certs_merge([reqwest::Certificate::from_pem(&pem).expect("the bench CA is PEM")]),
                        None => builder,
                    };
                    builder.build()
                })
                .await
                .map_err(|_| upstream_unavailable("the token signing keys could not be fetched"))?;
        let set: JwkSet = async { http.get(&self.jwks_url).send().await?.error_for_status()?.json().await }
            .await
            .map_err(|error: reqwest::Error| {
                tracing::warn!(error = %error, "fetching the pool's JWKS failed");
                upstream_unavailable("the token signing keys could not be fetched")
            })?;
        Ok(set
            .keys
            .iter()
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, DecodingKey::from_jwk(jwk).ok()?)))
            .collect())
    }
}
