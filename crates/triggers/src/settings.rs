//! The triggers' settings, from the environment, the same in Lambda and locally.

use crate::rules::SignUpPolicy;

#[derive(Clone, Debug)]
pub struct Settings {
    /// ALLOWED_EMAIL_DOMAINS and INVITED_EMAIL_DOMAINS, comma-separated.
    pub sign_up: SignUpPolicy,
    /// DEFAULT_GROUP: the group a confirmed sign-up joins.
    pub default_group: Option<String>,
    /// ADMIN_GROUP: the group whose members get `app_role: admin`.
    pub admin_group: String,
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
        }
    }
}
