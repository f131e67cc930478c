//! The triggers' settings, from the environment, the same in Lambda and locally.

use crate::legacy::{JsonLegacyUsers, LegacyUsers};
use crate::rules::SignUpPolicy;

#[derive(Clone, Debug)]
pub struct Settings {
    /// ALLOWED_EMAIL_DOMAINS and INVITED_EMAIL_DOMAINS, comma-separated.
    pub sign_up: SignUpPolicy,
    /// DEFAULT_GROUP: the group a confirmed sign-up joins.
    pub default_group: Option<String>,
    /// ADMIN_GROUP: the group whose members get `app_role: admin`.
    pub admin_group: String,
    /// LEGACY_USERS_FILE: the example legacy store user migration reads (none: nobody migrates).
    pub legacy_users_file: Option<String>,
    /// AWS_REGION: where the pool is (Lambda runs a trigger in its pool's region).
    pub region: String,
    /// COGNITO_ENDPOINT_URL: an emulator; unset (as in Lambda) for the real Cognito.
    pub cognito_endpoint_url: Option<String>,
    /// COGNITO_TIMEOUT_MS: the bound on a trigger's Cognito call, retries included;
    /// 100 to 4,000 ms (Cognito waits 5 s for the whole trigger), 3,000 unless set.
    pub cognito_timeout: std::time::Duration,
}

/// A trigger's Cognito call: 3 s of the 5 s Cognito waits for the trigger, the rest
/// left for a cold start and the answer.
pub const DEFAULT_COGNITO_TIMEOUT_MS: u64 = 3_000;
/// The most a trigger's call may be given, so that the trigger still answers in 5 s.
pub const MAX_COGNITO_TIMEOUT_MS: u64 = 4_000;

impl Settings {
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let setting = |name| lookup(name).filter(|v| !v.is_empty());
        Self {
            sign_up: SignUpPolicy::from_lists(
                &setting("ALLOWED_EMAIL_DOMAINS").unwrap_or_default(),
                &setting("INVITED_EMAIL_DOMAINS").unwrap_or_default(),
            ),
            default_group: setting("DEFAULT_GROUP"),
            admin_group: setting("ADMIN_GROUP").unwrap_or_else(|| "admin".into()),
            legacy_users_file: setting("LEGACY_USERS_FILE"),
            region: setting("AWS_REGION").unwrap_or_else(|| "us-east-1".into()),
            cognito_endpoint_url: setting("COGNITO_ENDPOINT_URL"),
            cognito_timeout: std::time::Duration::from_millis(
                setting("COGNITO_TIMEOUT_MS")
                    .and_then(|ms| ms.parse().ok())
                    .filter(|ms| (100..=MAX_COGNITO_TIMEOUT_MS).contains(ms))
                    .unwrap_or(DEFAULT_COGNITO_TIMEOUT_MS),
            ),
        }
    }

    /// The store user migration asks: the example store, from LEGACY_USERS_FILE.
    /// To ask your own store, answer it here (docs/triggers.md).
    pub fn legacy_users(&self) -> Result<std::sync::Arc<dyn LegacyUsers>, String> {
        Ok(std::sync::Arc::new(match &self.legacy_users_file {
            Some(path) => JsonLegacyUsers::from_file(std::path::Path::new(path))?,
            None => JsonLegacyUsers::empty(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, value: &'static str) -> Settings {
        Settings::from_lookup(|asked| (asked == name).then(|| value.to_owned()))
    }

    #[test]
    fn a_triggers_cognito_call_fits_inside_the_five_seconds_cognito_waits() {
        assert_eq!(Settings::from_lookup(|_| None).cognito_timeout.as_millis(), 3_000);
        assert_eq!(with("COGNITO_TIMEOUT_MS", "1500").cognito_timeout.as_millis(), 1_500);
        // More than the trigger can spend, or not a number: the default.
        assert_eq!(with("COGNITO_TIMEOUT_MS", "10000").cognito_timeout.as_millis(), 3_000);
        assert_eq!(with("COGNITO_TIMEOUT_MS", "soon").cognito_timeout.as_millis(), 3_000);
        assert_eq!(with("AWS_REGION", "eu-west-1").region, "eu-west-1");
    }
}
