//! The lookups every operation shares: a pool, its client, a user, by the
//! names a request gives, with Cognito's answers when they are not there.

use crate::aliases;
use crate::error::{self, Result};
use crate::model::{AppClient, Pool, State, User};

pub fn pool<'a>(state: &'a State, id: &str) -> Result<&'a Pool> {
    state.pools.get(id).ok_or_else(|| pool_not_found(id))
}

pub fn pool_mut<'a>(state: &'a mut State, id: &str) -> Result<&'a mut Pool> {
    state.pools.get_mut(id).ok_or_else(|| pool_not_found(id))
}

fn pool_not_found(id: &str) -> error::CognitoError {
    error::resource_not_found(format!("User pool {id} does not exist."))
}

/// The pool an app client belongs to, for the operations that name only the client.
pub fn pool_of_client<'a>(state: &'a State, client_id: &str) -> Result<&'a Pool> {
    state
        .pools
        .values()
        .find(|pool| pool.clients.contains_key(client_id))
        .ok_or_else(|| error::resource_not_found(format!("User pool client {client_id} does not exist.")))
}

impl Pool {
    pub fn client(&self, id: &str) -> Result<&AppClient> {
        self.clients.get(id).ok_or_else(|| error::resource_not_found(format!("User pool client {id} does not exist.")))
    }

    pub fn case_sensitive(&self) -> bool {
        self.settings.username_configuration.as_ref().is_none_or(|c| c.case_sensitive)
    }

    /// The first factors USER_AUTH may start with: the SignInPolicy's, or PASSWORD alone
    /// (Cognito's default).
    pub fn first_factors(&self) -> Vec<String> {
        self.settings
            .policies
            .as_ref()
            .and_then(|policies| policies.sign_in_policy.as_ref())
            .map(|policy| policy.allowed_first_auth_factors.clone())
            .filter(|factors| !factors.is_empty())
            .unwrap_or_else(|| vec!["PASSWORD".to_owned()])
    }

    pub fn canonical(&self, username: &str) -> String {
        if self.case_sensitive() {
            username.to_owned()
        } else {
            username.to_lowercase()
        }
    }

    /// The key of the user named `name`: its username, its `sub`, or an alias
    /// (email, phone number or preferred_username) the pool signs in with.
    pub fn user_key(&self, name: &str) -> Option<String> {
        let key = self.canonical(name);
        if self.users.contains_key(&key) {
            return Some(key);
        }
        self.users
            .iter()
            .find(|(_, user)| user.sub == name || aliases::names_user(self, user, name))
            .map(|(key, _)| key.clone())
    }

    pub fn user(&self, name: &str) -> Result<&User> {
        self.user_key(name).and_then(|key| self.users.get(&key)).ok_or_else(user_not_found)
    }

    pub fn user_mut(&mut self, name: &str) -> Result<&mut User> {
        let key = self.user_key(name).ok_or_else(user_not_found)?;
        Ok(self.users.get_mut(&key).expect("the key was just found"))
    }
}

pub fn user_not_found() -> error::CognitoError {
    error::user_not_found("User does not exist.")
}

impl AppClient {
    /// PreventUserExistenceErrors: the API's default is LEGACY (the console's is ENABLED).
    pub fn hides_user_existence(&self) -> bool {
        self.settings.prevent_user_existence_errors.as_deref() == Some("ENABLED")
    }
}

/// A required string member that is present but empty.
pub fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str> {
    value.as_deref().filter(|v| !v.is_empty()).ok_or_else(|| {
        error::invalid_parameter(format!(
            "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
        ))
    })
}

/// A required member of a map (AuthParameters, ChallengeResponses) that is absent.
pub fn missing(name: &str) -> error::CognitoError {
    error::invalid_parameter(format!("Missing required parameter {name}"))
}
