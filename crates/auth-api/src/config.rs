//! Settings read from the environment, once, when a function starts.

use std::fmt;
use std::time::Duration;

/// A value that must never reach a log line or an error body.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Where a secret (the app client's, the device key's) comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    /// The value itself (local work; in Lambda prefer Secrets Manager).
    Value(Secret),
    /// A Secrets Manager secret whose SecretString is the value, read on first use.
    SecretsManager { secret_id: String },
}

/// Everything a function needs to know about its Cognito pool and its callers.
#[derive(Clone, Debug)]
pub struct Config {
    pub user_pool_id: String,
    pub client_id: String,
    /// Only for an app client with a secret: where the secret comes from.
    pub client_secret: Option<SecretSource>,
    /// The app client self sign-up goes through (it may write the email, and
    /// issues no tokens); the main client when unset.
    pub sign_up_client_id: Option<String>,
    pub sign_up_client_secret: Option<SecretSource>,
    /// The pool's region, where Cognito is called (the pool id says it).
    pub region: String,
    /// The function's own region (AWS_REGION), where its secrets live.
    pub secrets_region: String,
    /// Set only for an emulator; unset means the real Cognito of `region`.
    pub endpoint_url: Option<String>,
    pub admin_group: String,
    pub cors_allowed_origins: Vec<String>,
    pub log_level: String,
    /// The most time one Cognito call may take, retries included.
    pub cognito_timeout: Duration,
    /// The key device passwords are derived from; without it devices are not remembered.
    pub device_secret: Option<SecretSource>,
    /// Sent with every Cognito call (caller_key.rs): the pool's web ACL lets
    /// through only public-API calls that carry it.
    pub caller_key: Option<Secret>,
    /// The address account notices come from (notice.rs, SES); none are sent without it.
    pub notice_from: Option<String>,
    /// The issuer name authenticator apps show for TOTP.
    pub mfa_issuer: String,
    /// The attributes an administrator may set when creating a user.
    pub create_user_attributes: Vec<String>,
    /// The pool's required attributes: all that /auth/new-password accepts.
    pub required_attributes: Vec<String>,
    /// The app client's RefreshTokenValidity: how long a cookie session's refresh
    /// cookie lives (template.yaml sets both from one parameter).
    pub refresh_token_validity: Duration,
    /// LOGIN_FAILURE_MIN_MS: the least time a refused login takes (failure_floor.rs);
    /// None (unset or 0): no floor.
    pub login_failure_min: Option<Duration>,
}

/// A comma-separated list of attribute names.
fn names(list: Option<String>, default: &str) -> Vec<String> {
    list.as_deref().unwrap_or(default).split(',').map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect()
}

/// Browser origins, each `scheme://host[:port]`. `*` is refused: with tokens
/// in the answers, any site could read them.
fn cors_origins(list: Option<String>) -> Result<Vec<String>, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid { name: "CORS_ALLOWED_ORIGINS", reason };
    let origins: Vec<String> =
        list.unwrap_or_default().split(',').map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect();
    for origin in &origins {
        if origin == "*" {
            return Err(invalid("`*` would let any site read the API's answers: list the origins".into()));
        }
        let well_formed = origin.split_once("://").is_some_and(|(scheme, rest)| {
            matches!(scheme, "http" | "https")
                && !rest.is_empty()
                && !rest.contains(['/', '?', '#', '*', ' '])
                && http::HeaderValue::from_str(origin).is_ok()
        });
        if !well_formed {
            return Err(invalid(format!("`{origin}` is not an origin (scheme://host[:port], no path)")));
        }
    }
    Ok(origins)
}

/// A secret given as `value_name` (its value) or `arn_name` (a Secrets Manager secret), not both.
fn secret_source(
    get: &impl Fn(&str) -> Option<String>,
    value_name: &'static str,
    arn_name: &'static str,
) -> Result<Option<SecretSource>, ConfigError> {
    match (get(value_name), get(arn_name)) {
        (Some(_), Some(_)) => {
            Err(ConfigError::Invalid { name: arn_name, reason: format!("set it or {value_name}, not both") })
        }
        (Some(value), None) => Ok(Some(SecretSource::Value(Secret::new(value)))),
        (None, Some(secret_id)) => Ok(Some(SecretSource::SecretsManager { secret_id })),
        (None, None) => Ok(None),
    }
}

/// A setting that is missing or unusable, named so the operator can fix it.
#[derive(thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required but not set")]
    Missing(&'static str),
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

// `main` returning this prints Debug: make that the readable sentence.
impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

pub const DEFAULT_ADMIN_GROUP: &str = "admin";
pub const DEFAULT_MFA_ISSUER: &str = "Auth API";
/// What the deployed pool's schema requires (an agreement test keeps them alike):
/// nothing, since a required attribute must be writable by every app client and
/// the email is written only through the API (POST /auth/me/email).
pub const DEFAULT_REQUIRED_ATTRIBUTES: &str = "";
pub const DEFAULT_CREATE_USER_ATTRIBUTES: &str = "birthdate,preferred_username,phone_number,custom:universal_id";
/// Cognito's default RefreshTokenValidity, and the template's.
pub const DEFAULT_REFRESH_TOKEN_VALIDITY_DAYS: u64 = 30;
/// The longest floor a refused login may be given: past it the floor costs more
/// (Lambda time, a client's patience) than it hides.
pub const MAX_LOGIN_FAILURE_MIN_MS: u64 = 5_000;
/// Well below API Gateway's 29 s integration limit, with room for a retry.
pub const DEFAULT_COGNITO_TIMEOUT: Duration = Duration::from_secs(10);

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));

        let user_pool_id = required("COGNITO_USER_POOL_ID")?;
        // A pool id starts with its region ("eu-west-1_AbC123"): Cognito is called there,
        // even from a function in another region; AWS_REGION is the function's own.
        let pool_region = user_pool_id
            .split_once('_')
            .map(|(region, _)| region.to_owned())
            .filter(|region| region.contains('-') && region.chars().any(|c| c.is_ascii_digit()));
        let region = pool_region
            .or_else(|| get("AWS_REGION"))
            .or_else(|| user_pool_id.split_once('_').map(|(prefix, _)| prefix.to_owned()))
            .ok_or(ConfigError::Missing("AWS_REGION"))?;
        let secrets_region = get("AWS_REGION").unwrap_or_else(|| region.clone());
        let cognito_timeout = match get("COGNITO_TIMEOUT_MS") {
            None => DEFAULT_COGNITO_TIMEOUT,
            Some(ms) => {
                ms.parse().ok().filter(|ms| (100..=25_000).contains(ms)).map(Duration::from_millis).ok_or_else(
                    || ConfigError::Invalid {
                        name: "COGNITO_TIMEOUT_MS",
                        reason: "expected milliseconds between 100 and 25000".into(),
                    },
                )?
            }
        };
        let refresh_token_validity = match get("REFRESH_TOKEN_VALIDITY_DAYS") {
            None => DEFAULT_REFRESH_TOKEN_VALIDITY_DAYS,
            // Cognito's range: 1 day to 10 years.
            Some(days) => {
                days.parse().ok().filter(|days| (1..=3650).contains(days)).ok_or_else(|| ConfigError::Invalid {
                    name: "REFRESH_TOKEN_VALIDITY_DAYS",
                    reason: "expected days between 1 and 3650".into(),
                })?
            }
        };
        let login_failure_min = match get("LOGIN_FAILURE_MIN_MS") {
            None => None,
            Some(ms) => ms
                .parse::<u64>()
                .ok()
                .filter(|ms| *ms <= MAX_LOGIN_FAILURE_MIN_MS)
                .ok_or_else(|| ConfigError::Invalid {
                    name: "LOGIN_FAILURE_MIN_MS",
                    reason: format!("expected milliseconds between 0 and {MAX_LOGIN_FAILURE_MIN_MS}"),
                })
                .map(|ms| (ms > 0).then(|| Duration::from_millis(ms)))?,
        };
        Ok(Self {
            login_failure_min,
            refresh_token_validity: Duration::from_secs(refresh_token_validity * 86_400),
            user_pool_id,
            client_id: required("COGNITO_CLIENT_ID")?,
            client_secret: secret_source(&get, "COGNITO_CLIENT_SECRET", "COGNITO_CLIENT_SECRET_ARN")?,
            sign_up_client_id: get("COGNITO_SIGN_UP_CLIENT_ID"),
            sign_up_client_secret: secret_source(
                &get,
                "COGNITO_SIGN_UP_CLIENT_SECRET",
                "COGNITO_SIGN_UP_CLIENT_SECRET_ARN",
            )?,
            device_secret: secret_source(&get, "DEVICE_SECRET", "DEVICE_SECRET_ARN")?,
            caller_key: get("COGNITO_CALLER_KEY").map(Secret::new),
            notice_from: get("NOTICE_FROM"),
            mfa_issuer: get("MFA_ISSUER").unwrap_or_else(|| DEFAULT_MFA_ISSUER.to_owned()),
            create_user_attributes: names(get("CREATE_USER_ATTRIBUTES"), DEFAULT_CREATE_USER_ATTRIBUTES),
            required_attributes: names(get("REQUIRED_ATTRIBUTES"), DEFAULT_REQUIRED_ATTRIBUTES),
            region,
            secrets_region,
            endpoint_url: get("COGNITO_ENDPOINT_URL").map(|url| url.trim_end_matches('/').to_owned()),
            admin_group: get("ADMIN_GROUP").unwrap_or_else(|| DEFAULT_ADMIN_GROUP.to_owned()),
            cors_allowed_origins: cors_origins(get("CORS_ALLOWED_ORIGINS"))?,
            log_level: get("LOG_LEVEL").unwrap_or_else(|| "info".to_owned()),
            cognito_timeout,
        })
    }

    /// The token issuer written into every token of this pool: Cognito's
    /// address, or an emulator's own (as the local Cognito issues them).
    pub fn issuer(&self) -> String {
        match &self.endpoint_url {
            Some(endpoint) => format!("{}/{}", endpoint.trim_end_matches('/'), self.user_pool_id),
            None => format!("https://cognito-idp.{}.amazonaws.com/{}", self.region, self.user_pool_id),
        }
    }

    /// Where the pool's signing keys are published.
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.issuer())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config_from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|name| env.get(name).cloned())
    }

    #[test]
    fn the_login_failure_floor_is_read_in_milliseconds_and_zero_or_unset_is_none() {
        let base = [("COGNITO_USER_POOL_ID", "eu-west-1_abc"), ("COGNITO_CLIENT_ID", "client")];
        assert_eq!(config_from(&base).unwrap().login_failure_min, None);
        let with = |ms: &'static str| config_from(&[base[0], base[1], ("LOGIN_FAILURE_MIN_MS", ms)]);
        assert_eq!(with("800").unwrap().login_failure_min, Some(Duration::from_millis(800)));
        assert_eq!(with("0").unwrap().login_failure_min, None);
        for bad in ["-1", "5001", "fast"] {
            assert!(matches!(with(bad), Err(ConfigError::Invalid { name: "LOGIN_FAILURE_MIN_MS", .. })), "{bad}");
        }
    }

    #[test]
    fn a_missing_required_setting_is_named() {
        assert_eq!(config_from(&[]).unwrap_err().to_string(), "COGNITO_USER_POOL_ID is required but not set");
        assert_eq!(
            config_from(&[("COGNITO_USER_POOL_ID", "eu-west-1_abc")]).unwrap_err(),
            ConfigError::Missing("COGNITO_CLIENT_ID")
        );
    }

    #[test]
    fn region_defaults_to_the_pool_ids_region_and_defaults_apply() {
        let config =
            config_from(&[("COGNITO_USER_POOL_ID", "eu-west-1_abc"), ("COGNITO_CLIENT_ID", "client")]).unwrap();
        assert_eq!(config.region, "eu-west-1");
        assert_eq!(config.admin_group, "admin");
        assert_eq!(config.cognito_timeout, DEFAULT_COGNITO_TIMEOUT);
        assert!(config.client_secret.is_none() && config.cors_allowed_origins.is_empty());
        assert_eq!(
            config.jwks_url(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json"
        );
    }

    #[test]
    fn cognito_is_called_in_the_pools_region_and_secrets_read_in_the_functions() {
        let config = config_from(&[
            ("COGNITO_USER_POOL_ID", "eu-west-1_abc"),
            ("COGNITO_CLIENT_ID", "client"),
            ("AWS_REGION", "us-east-1"),
        ])
        .unwrap();
        assert_eq!((config.region.as_str(), config.secrets_region.as_str()), ("eu-west-1", "us-east-1"));
        assert_eq!(config.issuer(), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc");
    }

    #[test]
    fn bad_cors_origins_stop_the_start_and_are_named() {
        for (origins, named) in [
            ("*", "`*`"),
            ("https://a.example, example.com", "`example.com`"),
            ("https://a.example/app", "`https://a.example/app`"),
        ] {
            let error = config_from(&[
                ("COGNITO_USER_POOL_ID", "eu-west-1_abc"),
                ("COGNITO_CLIENT_ID", "client"),
                ("CORS_ALLOWED_ORIGINS", origins),
            ])
            .unwrap_err()
            .to_string();
            assert!(error.starts_with("CORS_ALLOWED_ORIGINS is invalid") && error.contains(named), "{error}");
        }
    }

    #[test]
    fn an_emulator_endpoint_serves_the_keys() {
        let config = config_from(&[
            ("COGNITO_USER_POOL_ID", "us-east-1_abc"),
            ("COGNITO_CLIENT_ID", "client"),
            ("COGNITO_ENDPOINT_URL", "http://127.0.0.1:9229/"),
            ("CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example"),
        ])
        .unwrap();
        assert_eq!(config.jwks_url(), "http://127.0.0.1:9229/us-east-1_abc/.well-known/jwks.json");
        assert_eq!(config.issuer(), "http://127.0.0.1:9229/us-east-1_abc");
        assert_eq!(config.cors_allowed_origins, ["https://a.example", "https://b.example"]);
    }

    #[test]
    fn the_refresh_token_validity_is_cognitos_default_or_days_in_its_range() {
        let base = [("COGNITO_USER_POOL_ID", "a_b"), ("COGNITO_CLIENT_ID", "c")];
        assert_eq!(config_from(&base).unwrap().refresh_token_validity, Duration::from_secs(30 * 86_400));
        let week = config_from(&[base[0], base[1], ("REFRESH_TOKEN_VALIDITY_DAYS", "7")]).unwrap();
        assert_eq!(week.refresh_token_validity, Duration::from_secs(7 * 86_400));
        for bad in ["0", "3651", "30d"] {
            let error = config_from(&[base[0], base[1], ("REFRESH_TOKEN_VALIDITY_DAYS", bad)]);
            assert!(matches!(error, Err(ConfigError::Invalid { name: "REFRESH_TOKEN_VALIDITY_DAYS", .. })), "{bad}");
        }
    }

    #[test]
    fn the_client_secret_comes_from_one_place() {
        let base = [("COGNITO_USER_POOL_ID", "a_b"), ("COGNITO_CLIENT_ID", "c")];
        let from_arn =
            config_from(&[base[0], base[1], ("COGNITO_CLIENT_SECRET_ARN", "arn:aws:secretsmanager:x")]).unwrap();
        assert_eq!(
            from_arn.client_secret,
            Some(SecretSource::SecretsManager { secret_id: "arn:aws:secretsmanager:x".into() })
        );
        let both =
            config_from(&[base[0], base[1], ("COGNITO_CLIENT_SECRET_ARN", "arn"), ("COGNITO_CLIENT_SECRET", "s")]);
        assert!(matches!(both, Err(ConfigError::Invalid { name: "COGNITO_CLIENT_SECRET_ARN", .. })));
    }

    #[test]
    fn an_unusable_timeout_is_refused_and_the_secret_is_never_printed() {
        let err = config_from(&[
            ("COGNITO_USER_POOL_ID", "a_b"),
            ("COGNITO_CLIENT_ID", "c"),
            ("COGNITO_TIMEOUT_MS", "forever"),
        ]);
        assert!(matches!(err, Err(ConfigError::Invalid { name: "COGNITO_TIMEOUT_MS", .. })));
        let config = config_from(&[
            ("COGNITO_USER_POOL_ID", "a_b"),
            ("COGNITO_CLIENT_ID", "c"),
            ("COGNITO_CLIENT_SECRET", "hunter2"),
        ])
        .unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
