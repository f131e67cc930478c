//! The existing user store the user-migration trigger asks (`LegacyUsers`), and
//! the example behind it: users in a JSON file, passwords as argon2 hashes (PHC
//! strings), never in plain text. A team plugs its own store in by implementing
//! the trait (docs/triggers.md, "Plugging in your user store").

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Deserialize;

/// A user of the old store, as it knows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LegacyUser {
    /// Attributes by Cognito's names (`email`, `phone_number`, `locale`, ...).
    /// The migration rule keeps only those it allows (`rules::MIGRATED_ATTRIBUTES`).
    pub attributes: BTreeMap<String, String>,
    /// Whether the old store proved the user holds the email address.
    pub email_verified: bool,
    /// Whether the old store proved the user holds the phone number.
    pub phone_number_verified: bool,
}

/// The old store. Called on a blocking thread (`tokio::task::spawn_blocking`), so
/// an implementation may block on a database or an HTTP call; Cognito waits 5 s.
///
/// Both methods answer None alike for an unknown user, a wrong password and a store
/// that cannot answer (log the cause): the caller learns nothing from which it was.
/// `verify` should take as long for an unknown user as for a known one.
///
/// A user is migrated at most once: after the pool has them, the pool decides (a
/// changed password, a deleted account). Were the old store asked again once the pool
/// lost them (they deleted their account, an administrator did), their old password
/// would bring a deleted account back. So the trigger claims each migration with
/// `mark_migrated`, and answers a user already migrated as it answers an unknown one.
pub trait LegacyUsers: Send + Sync {
    /// The user, when `password` is theirs.
    fn verify(&self, username: &str, password: &str) -> Option<LegacyUser>;
    /// The user, for a forgotten password (no password to check).
    fn lookup(&self, username: &str) -> Option<LegacyUser>;
    /// Records that `username` moves to the pool now: true the first time only (and
    /// for a store that cannot record it, false: no migration). A real store persists
    /// it, as one atomic test-and-set (`UPDATE users SET migrated_at = now() WHERE
    /// username = $1 AND migrated_at IS NULL`, one row changed), so that two sign-ins
    /// at once migrate once and a restarted function still knows. The trigger calls it
    /// last, when every rule has let the user through.
    fn mark_migrated(&self, username: &str) -> bool;
}

/// One user in the example file.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Record {
    username: String,
    /// An argon2 PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
    password_hash: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    email_verified: bool,
    #[serde(default)]
    phone_number_verified: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    users: Vec<Record>,
}

/// The example store: `{"users": [{"username", "passwordHash", "attributes",
/// "emailVerified", "phoneNumberVerified"}]}`, usernames matched without case
/// (as the pool matches them).
pub struct JsonLegacyUsers {
    users: HashMap<String, Record>,
    /// Who has been migrated (lower-case). In memory only: a function that restarts
    /// forgets it, so this example is not enough for a real store (see `LegacyUsers`;
    /// as deployed the example store is empty, and migrates nobody).
    migrated: std::sync::Mutex<std::collections::HashSet<String>>,
    /// A hash made with the users' own parameters, checked when the username is
    /// unknown: an unknown user costs the same hashing as a wrong password.
    decoy: String,
}

impl std::fmt::Debug for JsonLegacyUsers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLegacyUsers").field("users", &self.users.len()).finish_non_exhaustive()
    }
}

impl JsonLegacyUsers {
    /// A store with nobody in it: every migration is refused.
    pub fn empty() -> Self {
        Self::from_json(r#"{"users": []}"#).expect("an empty store")
    }

    /// Reads the store; refuses a password that is not an argon2 hash.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let file: File = serde_json::from_str(text).map_err(|e| format!("not a legacy users file: {e}"))?;
        let mut users = HashMap::new();
        for record in file.users {
            let hash = PasswordHash::new(&record.password_hash)
                .map_err(|_| format!("{}: passwordHash is not a PHC string", record.username))?;
            if !hash.algorithm.as_str().starts_with("argon2") {
                return Err(format!("{}: passwordHash is not an argon2 hash", record.username));
            }
            users.insert(record.username.to_lowercase(), record);
        }
        let decoy = decoy(users.values().next().map(|r| r.password_hash.as_str()));
        Ok(Self { users, decoy, migrated: Default::default() })
    }

    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// A hash of a password nobody types, with the parameters of `like` (or argon2's defaults).
fn decoy(like: Option<&str>) -> String {
    let parsed = like.and_then(|hash| PasswordHash::new(hash).ok());
    let params = parsed.as_ref().and_then(|h| argon2::Params::try_from(h).ok()).unwrap_or_default();
    let algorithm = parsed
        .as_ref()
        .and_then(|h| argon2::Algorithm::try_from(h.algorithm).ok())
        .unwrap_or(argon2::Algorithm::Argon2id);
    let salt = SaltString::from_b64("bGVnYWN5LWRlY295LXNhbHQ").expect("a salt");
    Argon2::new(algorithm, argon2::Version::V0x13, params)
        .hash_password(b"the decoy of an unknown user", &salt)
        .expect("argon2 hashes")
        .to_string()
}

fn matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

impl Record {
    fn user(&self) -> LegacyUser {
        LegacyUser {
            attributes: self.attributes.clone(),
            email_verified: self.email_verified,
            phone_number_verified: self.phone_number_verified,
        }
    }
}

impl LegacyUsers for JsonLegacyUsers {
    fn verify(&self, username: &str, password: &str) -> Option<LegacyUser> {
        let record = self.users.get(&username.to_lowercase());
        // One hash checked either way: the answer's timing does not tell who exists.
        let right = matches(record.map_or(&self.decoy, |r| &r.password_hash), password);
        record.filter(|_| right).map(Record::user)
    }

    fn lookup(&self, username: &str) -> Option<LegacyUser> {
        self.users.get(&username.to_lowercase()).map(Record::user)
    }

    fn mark_migrated(&self, username: &str) -> bool {
        // A poisoned lock (a panic elsewhere) migrates nobody rather than anyone twice.
        self.migrated.lock().is_ok_and(|mut migrated| migrated.insert(username.to_lowercase()))
    }
}

/// Hashes `password` for the example file (argon2id, argon2's default parameters).
pub fn hash_password(password: &str, salt: &str) -> Result<String, String> {
    let salt = SaltString::from_b64(salt).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> JsonLegacyUsers {
        let hash = hash_password("Old-Passw0rd", "c29tZXNhbHRzb21lc2FsdA").unwrap();
        JsonLegacyUsers::from_json(&format!(
            r#"{{"users": [{{"username": "Kim", "passwordHash": "{hash}",
                "attributes": {{"email": "kim@example.com"}}, "emailVerified": true}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn the_right_password_finds_the_user_whatever_the_usernames_case() {
        let user = store().verify("kim", "Old-Passw0rd").unwrap();
        assert_eq!(user.attributes["email"], "kim@example.com");
        assert!(user.email_verified);
        assert!(store().verify("KIM", "Old-Passw0rd").is_some());
    }

    #[test]
    fn a_wrong_password_and_an_unknown_user_answer_alike() {
        assert_eq!(store().verify("kim", "Wrong-Passw0rd"), None);
        assert_eq!(store().verify("nobody", "Old-Passw0rd"), None);
    }

    #[test]
    fn an_unknown_user_costs_one_hash_with_the_users_own_parameters() {
        let store = store();
        let decoy = PasswordHash::new(&store.decoy).unwrap();
        let real = PasswordHash::new(&store.users["kim"].password_hash).unwrap();
        assert_eq!(decoy.algorithm, real.algorithm);
        assert_eq!(decoy.params, real.params, "the same memory, iterations and lanes: the same time");
    }

    #[test]
    fn a_plaintext_or_weakly_hashed_password_is_refused_at_load() {
        let plain = r#"{"users": [{"username": "kim", "passwordHash": "Old-Passw0rd"}]}"#;
        assert!(JsonLegacyUsers::from_json(plain).unwrap_err().contains("not a PHC string"));
        let other = r#"{"users": [{"username": "kim", "passwordHash": "$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2g"}]}"#;
        assert!(JsonLegacyUsers::from_json(other).unwrap_err().contains("not an argon2 hash"));
    }

    #[test]
    fn lookup_needs_no_password() {
        assert!(store().lookup("kim").is_some());
        assert!(store().lookup("nobody").is_none());
    }

    #[test]
    fn a_user_is_marked_migrated_once_whatever_the_usernames_case() {
        let store = store();
        assert!(store.mark_migrated("Kim"));
        assert!(!store.mark_migrated("kim"), "the second claim fails");
        assert!(!store.mark_migrated("KIM"));
    }

    #[test]
    fn the_shipped_example_file_loads() {
        let store = JsonLegacyUsers::from_json(include_str!("../legacy-users.example.json")).unwrap();
        assert!(store.verify("kenji", "Legacy-Passw0rd").is_some());
    }
}
