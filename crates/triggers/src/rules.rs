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

/// Attributes a migrated user brings from the old store: the profile a user could
/// have given at sign-up, and the address and phone Cognito sends codes to. Nothing
/// an administrator alone sets (groups, `preferred_username`, `custom:*`), and no
/// `*_verified` flag from the store's attributes: only its own verified flags count.
pub const MIGRATED_ATTRIBUTES: &[&str] = &["email", "phone_number", "birthdate", "locale", "name"];

/// What Cognito is told to make of a migrated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub attributes: std::collections::BTreeMap<String, String>,
    /// `CONFIRMED` at sign-in: the old password was just checked, the user keeps it.
    /// (At a forgotten password Cognito makes the user RESET_REQUIRED whatever this says.)
    pub final_user_status: &'static str,
}

/// The one answer to every migration that does not happen (unknown user, wrong
/// password, a store that cannot answer), so that none tells which it was.
pub fn not_migrated() -> Rejection {
    Rejection("Incorrect username or password.".into())
}

/// The attributes a migrated user gets: the allowed ones, and a verified flag
/// only where the old store verified the value.
pub fn migrated_attributes(user: &crate::legacy::LegacyUser) -> std::collections::BTreeMap<String, String> {
    let mut attributes: std::collections::BTreeMap<String, String> = user
        .attributes
        .iter()
        .filter(|(name, value)| MIGRATED_ATTRIBUTES.contains(&name.as_str()) && !value.is_empty())
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    for (attribute, verified) in [("email", user.email_verified), ("phone_number", user.phone_number_verified)] {
        if verified && attributes.contains_key(attribute) {
            attributes.insert(format!("{attribute}_verified"), "true".into());
        }
    }
    attributes
}

/// Sign-in with a username the pool does not have: the old store checks the password,
/// then the sign-up rules (`admitted`). `conclude` finishes every migration.
pub fn migrate_on_sign_in(
    store: &dyn crate::legacy::LegacyUsers,
    policy: &SignUpPolicy,
    username: &str,
    password: &str,
) -> Result<Migration, Rejection> {
    let user = store.verify(username, password).ok_or_else(not_migrated)?;
    admitted(policy, username, Migration { attributes: migrated_attributes(&user), final_user_status: "CONFIRMED" })
}

/// A forgotten password for a username the pool does not have. Only a user with a
/// verified email or phone comes over: Cognito makes them RESET_REQUIRED and sends
/// the reset code there; without one they could never sign in again (and anyone
/// can ask for a reset), so they stay in the old store, able to sign in there.
pub fn migrate_on_forgot_password(
    store: &dyn crate::legacy::LegacyUsers,
    policy: &SignUpPolicy,
    username: &str,
) -> Result<Migration, Rejection> {
    let user = store.lookup(username).ok_or_else(not_migrated)?;
    let migration = Migration { attributes: migrated_attributes(&user), final_user_status: "RESET_REQUIRED" };
    if !reachable(&migration) {
        return Err(not_migrated());
    }
    admitted(policy, username, migration)
}

/// Whether a reset code can reach the user: a verified email or phone number.
fn reachable(migration: &Migration) -> bool {
    migration.attributes.contains_key("email_verified") || migration.attributes.contains_key("phone_number_verified")
}

/// The sign-up rules hold for a migrated user too (a migration is a sign-up the old
/// store vouched for): an email-shaped username must be the user's own email, and the
/// email's domain must be one that may sign up. A refusal is `not_migrated`, like
/// every other: the caller learns nothing of the old store.
fn admitted(policy: &SignUpPolicy, username: &str, migration: Migration) -> Result<Migration, Rejection> {
    let email = migration.attributes.get("email").map(String::as_str);
    policy.decide(username, email).map_err(|_| not_migrated())?;
    Ok(migration)
}

/// The last step of every migration, once the pool has said whether another of its
/// users holds the email (`email_held`). Such an address comes over unverified: it
/// proves nothing about this user, and the pool keeps one address, one account (a
/// reset then needs another verified way to reach them, or there is no migration).
/// Last, the store records the migration: a user already migrated is refused as an
/// unknown one (a deleted account does not come back with the old password).
pub fn conclude(
    store: &dyn crate::legacy::LegacyUsers,
    username: &str,
    mut migration: Migration,
    email_held: bool,
) -> Result<Migration, Rejection> {
    if email_held {
        migration.attributes.remove("email_verified");
    }
    if migration.final_user_status == "RESET_REQUIRED" && !reachable(&migration) {
        return Err(not_migrated());
    }
    if !store.mark_migrated(username) {
        return Err(not_migrated());
    }
    Ok(migration)
}

/// The message a custom message trigger source stands for.
pub fn message_kind(source: &str) -> Option<crate::messages::MessageKind> {
    use crate::messages::MessageKind::*;
    Some(match source {
        "CustomMessage_SignUp" | "CustomMessage_ResendCode" => SignUp,
        "CustomMessage_AdminCreateUser" => Invitation,
        "CustomMessage_ForgotPassword" => ForgotPassword,
        "CustomMessage_UpdateUserAttribute" | "CustomMessage_VerifyUserAttribute" => VerifyAttribute,
        "CustomMessage_Authentication" => Mfa,
        _ => return None,
    })
}

/// A message written from its template in the user's language, with Cognito's
/// placeholders for the code and username put where the template has them.
pub fn custom_message(
    kind: crate::messages::MessageKind,
    locale: Option<&str>,
    code_parameter: &str,
    username_parameter: Option<&str>,
) -> crate::messages::Template {
    use crate::messages::{template, CODE, USERNAME};
    let fill = |text: &str| {
        let text = text.replace(CODE, code_parameter);
        match username_parameter {
            Some(username) => text.replace(USERNAME, username),
            None => text,
        }
    };
    let template = template(kind, locale);
    crate::messages::Template {
        subject: template.subject.clone(),
        email: fill(&template.email),
        sms: fill(&template.sms),
    }
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

    fn legacy(email_verified: bool) -> crate::legacy::LegacyUser {
        let attributes = [
            ("email", "kim@example.com"),
            ("email_verified", "true"),
            ("locale", "ja"),
            ("preferred_username", "the_boss"),
            ("custom:role", "admin"),
        ];
        crate::legacy::LegacyUser {
            attributes: attributes.into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect(),
            email_verified,
            phone_number_verified: false,
        }
    }

    struct OneUser(crate::legacy::LegacyUser, std::sync::atomic::AtomicBool);

    fn one_user(user: crate::legacy::LegacyUser) -> OneUser {
        OneUser(user, Default::default())
    }

    impl crate::legacy::LegacyUsers for OneUser {
        fn verify(&self, username: &str, password: &str) -> Option<crate::legacy::LegacyUser> {
            (username == "kim" && password == "Old-Passw0rd").then(|| self.0.clone())
        }
        fn lookup(&self, username: &str) -> Option<crate::legacy::LegacyUser> {
            (username == "kim").then(|| self.0.clone())
        }
        fn mark_migrated(&self, _: &str) -> bool {
            !self.1.swap(true, std::sync::atomic::Ordering::SeqCst)
        }
    }

    #[test]
    fn a_migrated_user_brings_only_the_allowed_attributes_and_no_verified_flag_of_the_stores_attributes() {
        let attributes = migrated_attributes(&legacy(false));
        assert_eq!(
            attributes.keys().collect::<Vec<_>>(),
            ["email", "locale"],
            "no admin-only attribute, no self-declared flag"
        );
        let attributes = migrated_attributes(&legacy(true));
        assert_eq!(attributes["email_verified"], "true", "the store's own proof counts");
        assert!(!attributes.contains_key("phone_number_verified"), "no phone, no flag");
    }

    #[test]
    fn sign_in_migrates_with_the_right_password_only_and_refuses_everything_else_alike() {
        let store = one_user(legacy(true));
        let open = SignUpPolicy::default();
        let migrated = migrate_on_sign_in(&store, &open, "kim", "Old-Passw0rd").unwrap();
        assert_eq!(migrated.final_user_status, "CONFIRMED");
        assert_eq!(migrated.attributes["email"], "kim@example.com");
        let wrong = migrate_on_sign_in(&store, &open, "kim", "Wrong-Passw0rd").unwrap_err();
        let unknown = migrate_on_sign_in(&store, &open, "nobody", "Old-Passw0rd").unwrap_err();
        assert_eq!(wrong, unknown);
        assert_eq!(wrong.0, "Incorrect username or password.");
    }

    #[test]
    fn a_forgotten_password_migrates_only_a_user_a_code_can_reach() {
        let open = SignUpPolicy::default();
        assert_eq!(
            migrate_on_forgot_password(&one_user(legacy(true)), &open, "kim").unwrap().final_user_status,
            "RESET_REQUIRED"
        );
        let unreachable = migrate_on_forgot_password(&one_user(legacy(false)), &open, "kim").unwrap_err();
        assert_eq!(unreachable, migrate_on_forgot_password(&one_user(legacy(true)), &open, "nobody").unwrap_err());
    }

    #[test]
    fn a_user_migrates_once_then_answers_as_an_unknown_one() {
        let store = one_user(legacy(true));
        let open = SignUpPolicy::default();
        let first = migrate_on_sign_in(&store, &open, "kim", "Old-Passw0rd").unwrap();
        assert!(conclude(&store, "kim", first, false).is_ok());
        // The pool lost them (a deleted account): the old password brings nobody back.
        let again = migrate_on_sign_in(&store, &open, "kim", "Old-Passw0rd").unwrap();
        assert_eq!(conclude(&store, "kim", again, false).unwrap_err(), not_migrated());
        let reset = migrate_on_forgot_password(&store, &open, "kim").unwrap();
        assert_eq!(conclude(&store, "kim", reset, false).unwrap_err(), not_migrated());
    }

    #[test]
    fn the_sign_up_rules_hold_for_migrated_users() {
        let store = one_user(legacy(true));
        let elsewhere = SignUpPolicy::from_lists("elsewhere.example", "");
        assert_eq!(migrate_on_sign_in(&store, &elsewhere, "kim", "Old-Passw0rd").unwrap_err(), not_migrated());
        assert_eq!(migrate_on_forgot_password(&store, &elsewhere, "kim").unwrap_err(), not_migrated());
        assert!(migrate_on_sign_in(&store, &SignUpPolicy::from_lists("example.com", ""), "kim", "Old-Passw0rd").is_ok());
        // An email-shaped username must be the user's own address.
        struct Shaped(OneUser);
        impl crate::legacy::LegacyUsers for Shaped {
            fn verify(&self, _: &str, password: &str) -> Option<crate::legacy::LegacyUser> {
                self.0.verify("kim", password)
            }
            fn lookup(&self, _: &str) -> Option<crate::legacy::LegacyUser> {
                self.0.lookup("kim")
            }
            fn mark_migrated(&self, username: &str) -> bool {
                self.0.mark_migrated(username)
            }
        }
        let shaped = Shaped(one_user(legacy(true)));
        let open = SignUpPolicy::default();
        assert!(migrate_on_sign_in(&shaped, &open, "ceo@example.com", "Old-Passw0rd").is_err());
        assert!(migrate_on_sign_in(&shaped, &open, "Kim@example.com", "Old-Passw0rd").is_ok());
    }

    #[test]
    fn an_address_another_pool_user_holds_comes_over_unverified_and_a_refused_one_is_not_claimed() {
        let store = one_user(legacy(true));
        let open = SignUpPolicy::default();
        let signed_in = migrate_on_sign_in(&store, &open, "kim", "Old-Passw0rd").unwrap();
        let reset = migrate_on_forgot_password(&store, &open, "kim").unwrap();
        // A reset code would go to someone else's address: no migration, and no claim.
        assert_eq!(conclude(&store, "kim", reset, true).unwrap_err(), not_migrated());
        let migrated = conclude(&store, "kim", signed_in, true).unwrap();
        assert_eq!(migrated.attributes["email"], "kim@example.com");
        assert!(!migrated.attributes.contains_key("email_verified"));
    }

    #[test]
    fn every_custom_message_source_has_its_message_and_others_none() {
        use crate::messages::MessageKind::*;
        assert_eq!(message_kind("CustomMessage_ResendCode"), Some(SignUp));
        assert_eq!(message_kind("CustomMessage_AdminCreateUser"), Some(Invitation));
        assert_eq!(message_kind("CustomMessage_VerifyUserAttribute"), Some(VerifyAttribute));
        assert_eq!(message_kind("CustomMessage_Authentication"), Some(Mfa));
        assert_eq!(message_kind("CustomMessage_Something"), None);
    }

    #[test]
    fn a_custom_message_keeps_cognitos_placeholders_where_the_template_puts_the_code() {
        let message =
            custom_message(crate::messages::MessageKind::Invitation, Some("ja-JP"), "{####}", Some("{username}"));
        assert!(message.email.contains("ユーザー名: {username}"));
        assert!(message.email.contains("仮パスワード: {####}"));
        assert_eq!(message.subject, "アカウントへのご招待");
        let message = custom_message(crate::messages::MessageKind::SignUp, None, "<code>", None);
        assert!(message.sms.contains("<code>") && !message.sms.contains("{####}"));
    }
}
