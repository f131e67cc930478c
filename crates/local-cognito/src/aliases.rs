//! Sign-in aliases (AliasAttributes, UsernameAttributes): which user an email,
//! phone number or preferred_username names, and that each names one user.
//! Below the operations and the sign-in engine, which both claim aliases.
//!
//! Developer guide, "User pool attributes", sign-in aliases: an email or phone
//! number is an alias once verified; "If you select preferred_username as an
//! alias, your user can provide the value only when they confirm an account":
//! a preferred_username names its user once the account is confirmed. Alias
//! values are unique in the pool (AliasExistsException).

use std::collections::BTreeMap;

use crate::error::{self, Result};
use crate::model::{Pool, User, UserStatus};

/// The attributes AliasAttributes may name.
const ALIASES: [&str; 3] = ["email", "phone_number", "preferred_username"];

/// Whether `name` names `user` by one of the pool's aliases.
pub fn names_user(pool: &Pool, user: &User, name: &str) -> bool {
    ALIASES.iter().any(|attribute| holds(pool, user, attribute, name))
}

/// Whether `user` holds `value` as its live `attribute` alias.
fn holds(pool: &Pool, user: &User, attribute: &str, value: &str) -> bool {
    pool.is_alias(attribute)
        && user.attributes.get(attribute).is_some_and(|held| same(pool, attribute, held, value))
        && live(pool, user, attribute)
}

/// An email or phone number counts once verified (or when it is the username); a
/// preferred_username once the account is confirmed (not while UNCONFIRMED or
/// FORCE_CHANGE_PASSWORD).
fn live(pool: &Pool, user: &User, attribute: &str) -> bool {
    if attribute == "preferred_username" {
        return !matches!(user.status, UserStatus::Unconfirmed | UserStatus::ForceChangePassword);
    }
    pool.signs_in_with(attribute) || user.attributes.get(&format!("{attribute}_verified")).is_some_and(|v| v == "true")
}

/// Emails and phone numbers match in any case; a preferred_username as the username
/// does (UsernameConfiguration CaseSensitive).
fn same(pool: &Pool, attribute: &str, held: &str, value: &str) -> bool {
    if attribute == "preferred_username" && pool.case_sensitive() {
        held == value
    } else {
        held.eq_ignore_ascii_case(value)
    }
}

/// With UsernameAttributes, the username given is the email or phone number
/// and the user's real username is its `sub`.
pub fn sign_in_name(pool: &Pool, given: &str, values: &mut BTreeMap<String, String>, sub: &str) -> Result<String> {
    for attribute in ["email", "phone_number"] {
        if pool.signs_in_with(attribute) && (given.contains('@') == (attribute == "email")) {
            if values.get(attribute).is_some_and(|value| value != given) {
                return Err(error::invalid_parameter(format!("Username and {attribute} must be the same")));
            }
            values.insert(attribute.to_owned(), given.to_owned());
            return Ok(sub.to_owned());
        }
    }
    if !pool.settings.username_attributes.is_empty() {
        return Err(error::invalid_parameter(format!(
            "Username should be {}.",
            pool.settings
                .username_attributes
                .iter()
                .map(|a| if a == "email" { "an email" } else { "a phone number" })
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    Ok(given.to_owned())
}

/// An alias belongs to one user: another live holder gets AliasExistsException. With
/// ForceAliasCreation a verified email or phone number moves to the claimant (the
/// holder's is marked unverified); ForceAliasCreation "is used only if the
/// phone_number_verified or email_verified attribute is set to True", so a
/// preferred_username never moves.
pub fn claim(pool: &mut Pool, values: &mut BTreeMap<String, String>, owner: Option<&str>, force: bool) -> Result<()> {
    for attribute in ALIASES {
        let Some(value) = values.get(attribute).cloned() else { continue };
        let verified_flag = format!("{attribute}_verified");
        let counts = attribute == "preferred_username"
            || pool.signs_in_with(attribute)
            || values.get(&verified_flag).is_some_and(|v| v == "true");
        if !pool.is_alias(attribute) || !counts {
            continue;
        }
        let holder = pool
            .users
            .iter()
            .find(|(key, user)| Some(key.as_str()) != owner && holds(pool, user, attribute, &value))
            .map(|(key, _)| key.clone());
        if let Some(holder) = holder {
            if !force || pool.signs_in_with(attribute) || attribute == "preferred_username" {
                return Err(error::alias_exists(format!("An account with the given {attribute} already exists.")));
            }
            pool.users.get_mut(&holder).expect("found").attributes.insert(verified_flag.clone(), "false".into());
        }
    }
    Ok(())
}
