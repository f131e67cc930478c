//! Passwords: the pool's policy with Cognito's messages, generated temporary
//! passwords, and salted hashes (the state file never holds a password).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::{self, Result};
use crate::model::{PasswordHash, PasswordPolicy};
use crate::random;

/// Cognito's special characters (its password policy documentation).
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// Cognito checks the pattern before the policy: no leading or trailing white space.
pub fn check_format(field: &str, password: &str) -> Result<()> {
    let trimmed = password.trim();
    if password.is_empty() || trimmed.len() != password.len() || password.chars().count() > 256 {
        return Err(error::invalid_parameter(format!(
            "1 validation error detected: Value at '{field}' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$"
        )));
    }
    Ok(())
}

/// How each operation words a refusal (observed Cognito answers; the rule's text is the same):
/// SignUp, ChangePassword and the rest say "Password did not conform with policy: ...".
pub const DID_NOT_CONFORM: &str = "Password did not conform with policy";
/// AdminCreateUser's TemporaryPassword (data-dot-all/dataall#690).
pub const ADMIN_CREATE_USER: &str = "Password did not conform with password policy";
/// ConfirmForgotPassword (reported by apps that handle it, e.g. in amplify-js answers).
pub const CONFIRM_FORGOT_PASSWORD: &str = "Password does not conform to policy";

pub fn check_policy(policy: &PasswordPolicy, password: &str) -> Result<()> {
    check_policy_worded(policy, password, DID_NOT_CONFORM)
}

/// The policy check, refusals prefixed with the operation's own words.
pub fn check_policy_worded(policy: &PasswordPolicy, password: &str, wording: &str) -> Result<()> {
    let reason = if password.chars().count() < policy.minimum_length as usize {
        Some("Password not long enough")
    } else if policy.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
        Some("Password must have uppercase characters")
    } else if policy.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
        Some("Password must have lowercase characters")
    } else if policy.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
        Some("Password must have numeric characters")
    } else if policy.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
        Some("Password must have symbol characters")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(error::invalid_password(format!("{wording}: {reason}"))),
        None => Ok(()),
    }
}

/// Meets any policy: at least the minimum length, every character class.
pub fn temporary(policy: &PasswordPolicy) -> String {
    let classes: [&[u8]; 4] = [b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"abcdefghijkmnpqrstuvwxyz", b"23456789", b"^$*.!@#%&"];
    let length = (policy.minimum_length as usize).max(12);
    let mut chars: Vec<u8> =
        (0..length).map(|i| classes[i % 4][random::below(classes[i % 4].len() as u32) as usize]).collect();
    // Fisher-Yates, so the classes do not sit in a fixed order.
    for i in (1..chars.len()).rev() {
        chars.swap(i, random::below(i as u32 + 1) as usize);
    }
    String::from_utf8(chars).expect("ASCII")
}

pub fn hash(password: &str) -> PasswordHash {
    let salt = random::base64_bytes(16);
    PasswordHash { sha256: digest(&salt, password), salt, srp: None }
}

/// A user's password: its hash, and the SRP verifier USER_SRP_AUTH checks
/// (x = H(salt | H(poolName | username | ":" | password)), poolName the id after the `_`).
pub fn hash_for(pool_id: &str, username: &str, password: &str) -> PasswordHash {
    let pool_name = pool_id.split_once('_').map_or(pool_id, |(_, name)| name);
    // A first byte of 1..=127: clients pad a salt with the high bit set and strip leading
    // zeros (they read it as a number), so such a salt reads the same to all of them.
    let mut salt = crate::random::bytes::<16>();
    salt[0] = 1 + salt[0] % 127;
    let (password_verifier, salt) = crate::srp::verifier_for(pool_name, username, password, &salt);
    PasswordHash { srp: Some(crate::model::DeviceVerifier { password_verifier, salt }), ..hash(password) }
}

pub fn matches(hash: &PasswordHash, password: &str) -> bool {
    let given = digest(&hash.salt, password);
    aws_lc_rs::constant_time::verify_slices_are_equal(given.as_bytes(), hash.sha256.as_bytes()).is_ok()
}

fn digest(salt: &str, password: &str) -> String {
    STANDARD.encode(Sha256::new().chain_update(salt).chain_update(password).finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_temporary_passwords_meet_the_strictest_policy() {
        let policy = PasswordPolicy { minimum_length: 20, ..PasswordPolicy::default() };
        for _ in 0..50 {
            let password = temporary(&policy);
            assert_eq!(check_policy(&policy, &password), Ok(()), "{password}");
            assert_eq!(password.len(), 20);
        }
    }

    #[test]
    fn the_policy_names_the_first_rule_broken() {
        let policy = PasswordPolicy::default();
        let message = |password| check_policy(&policy, password).unwrap_err().message;
        assert_eq!(message("Ab1!"), "Password did not conform with policy: Password not long enough");
        assert_eq!(
            message("abcdefgh1!"),
            "Password did not conform with policy: Password must have uppercase characters"
        );
        assert_eq!(
            message("Abcdefghij!"),
            "Password did not conform with policy: Password must have numeric characters"
        );
        assert_eq!(
            message("Abcdefghij1"),
            "Password did not conform with policy: Password must have symbol characters"
        );
    }

    #[test]
    fn hashes_match_only_their_password() {
        let hash = hash("Corr3ct-Horse");
        assert!(matches(&hash, "Corr3ct-Horse"));
        assert!(!matches(&hash, "corr3ct-Horse"));
    }
}
