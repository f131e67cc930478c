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
}

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
