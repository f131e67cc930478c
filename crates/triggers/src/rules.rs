//! The example rules. Plain functions over plain values, so a team replaces
//! one and tests it without an event, a runtime or Cognito.

/// Who may sign up. Everyone confirms with the emailed code: an address typed
/// into a form proves nothing, so the rule never auto-confirms or auto-verifies
/// (users who must skip the code are created by an administrator instead).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignUpPolicy {
    /// Lower-case domains that may sign up; empty lets every domain in.
    pub allowed_domains: Vec<String>,
    /// Lower-case domains whose users are invited: they may sign up even outside
    /// `allowed_domains`, and still confirm with the emailed code.
    pub invited_domains: Vec<String>,
}

/// A rule's refusal. Its text reaches the caller (Cognito passes it on), so it
/// is written for them and names nothing internal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub String);

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Rejection {}

impl SignUpPolicy {
    /// From comma-separated lists, as the template's parameters give them.
    pub fn from_lists(allowed: &str, invited: &str) -> Self {
        Self { allowed_domains: domains(allowed), invited_domains: domains(invited) }
    }

    /// Whether `username` with `email` may sign up.
    pub fn decide(&self, username: &str, email: Option<&str>) -> Result<(), Rejection> {
        // A username shaped like an address must be the user's own (the API checks
        // first; this holds for calls that go straight to Cognito).
        if username.contains('@') && !email.is_some_and(|e| e.eq_ignore_ascii_case(username)) {
            return Err(Rejection("A username that looks like an email address must be your own email.".into()));
        }
        let domain = email.and_then(|e| e.rsplit_once('@')).map(|(_, d)| d.to_ascii_lowercase());
        let listed = |list: &[String]| domain.as_ref().is_some_and(|d| list.contains(d));
        if !self.allowed_domains.is_empty() && !listed(&self.allowed_domains) && !listed(&self.invited_domains) {
            let open_to = self.allowed_domains.iter().chain(&self.invited_domains).cloned().collect::<Vec<_>>();
            return Err(Rejection(format!("Sign-up is open to addresses at {} only.", open_to.join(", "))));
        }
        Ok(())
    }
}

fn domains(list: &str) -> Vec<String> {
    list.split(',').map(|d| d.trim().to_ascii_lowercase()).filter(|d| !d.is_empty()).collect()
}

/// The groups a newly confirmed user joins: the default group, if any.
/// Only a confirmed sign-up counts; a confirmed password reset is not a new user.
pub fn groups_on_confirmation(default_group: Option<&str>, is_sign_up: bool) -> Vec<String> {
    match default_group {
        Some(group) if is_sign_up && !group.is_empty() => vec![group.to_owned()],
        _ => Vec::new(),
    }
}

/// Claims added to the ID token: `app_role`, from the user's groups.
pub fn extra_claims(groups: &[String], admin_group: &str) -> Vec<(String, String)> {
    let role = if groups.iter().any(|g| g == admin_group) { "admin" } else { "member" };
    vec![("app_role".to_owned(), role.to_owned())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_lists_anyone_signs_up() {
        assert_eq!(SignUpPolicy::default().decide("ana", Some("ana@example.com")), Ok(()));
    }

    #[test]
    fn a_domain_outside_the_allowed_list_is_refused_with_a_message_for_the_user() {
        let policy = SignUpPolicy::from_lists("example.com, Example.org", "");
        assert!(policy.decide("ana", Some("ana@EXAMPLE.org")).is_ok());
        let refused = policy.decide("ana", Some("ana@elsewhere.net")).unwrap_err();
        assert_eq!(refused.0, "Sign-up is open to addresses at example.com, example.org only.");
        assert!(policy.decide("ana", None).is_err(), "no email, no domain to allow");
    }

    #[test]
    fn invited_domains_may_sign_up_outside_the_allowed_list() {
        let policy = SignUpPolicy::from_lists("example.com", "partner.example");
        assert_eq!(policy.decide("bo", Some("bo@Partner.example")), Ok(()));
        let refused = policy.decide("bo", Some("bo@other.example")).unwrap_err();
        assert_eq!(refused.0, "Sign-up is open to addresses at example.com, partner.example only.");
    }

    #[test]
    fn a_username_shaped_like_an_address_must_be_the_users_own_email() {
        let policy = SignUpPolicy::default();
        assert!(policy.decide("ceo@example.com", Some("eve@attacker.example")).is_err());
        assert!(policy.decide("ceo@example.com", None).is_err());
        assert_eq!(policy.decide("CEO@example.com", Some("ceo@example.com")), Ok(()));
    }

    #[test]
    fn only_a_confirmed_sign_up_joins_the_default_group() {
        assert_eq!(groups_on_confirmation(Some("members"), true), ["members"]);
        assert!(groups_on_confirmation(Some("members"), false).is_empty());
        assert!(groups_on_confirmation(None, true).is_empty());
        assert!(groups_on_confirmation(Some(""), true).is_empty());
    }

    #[test]
    fn the_role_claim_follows_the_admin_group() {
        assert_eq!(extra_claims(&["admin".into()], "admin"), [("app_role".into(), "admin".into())]);
        assert_eq!(extra_claims(&["members".into()], "admin"), [("app_role".into(), "member".into())]);
    }
}
