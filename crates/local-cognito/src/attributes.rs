//! User attributes: the pool's schema (standard attributes plus `custom:`),
//! Cognito's checks and messages, what a client may read and write, and how
//! Cognito masks a delivery destination.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{self, Result};
use crate::model::{AppClient, Pool, User};

/// Cognito's standard attributes (OpenID Connect claims plus `sub`).
pub const STANDARD: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "sub",
    "updated_at",
    "website",
    "zoneinfo",
];

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeInput {
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
}

/// How the pool's schema declares one attribute.
pub struct Declared {
    pub mutable: bool,
    pub min_length: usize,
    pub max_length: usize,
}

impl Pool {
    /// The attribute as the schema declares it, or None when the pool has no such attribute.
    /// Developer-only attributes are named `dev:custom:<name>`, never `custom:<name>`.
    pub fn declared(&self, name: &str) -> Option<Declared> {
        let developer_only = name.starts_with("dev:custom:");
        let schema_name = name.strip_prefix("dev:").unwrap_or(name);
        let schema_name = schema_name.strip_prefix("custom:").unwrap_or(schema_name);
        let is_custom = developer_only || name.starts_with("custom:");
        if !is_custom && !STANDARD.contains(&name) {
            return None;
        }
        let entry = self.settings.schema.iter().find(|attribute| {
            attribute.name == schema_name
                && (is_custom != STANDARD.contains(&attribute.name.as_str()))
                && (!is_custom || developer_only == (attribute.developer_only_attribute == Some(true)))
        });
        if is_custom && entry.is_none() {
            return None;
        }
        let constraints = entry.and_then(|e| e.string_attribute_constraints.as_ref());
        let length = |value: Option<&String>, default| value.and_then(|v| v.parse().ok()).unwrap_or(default);
        Some(Declared {
            mutable: name != "sub" && entry.and_then(|e| e.mutable).unwrap_or(true),
            min_length: length(constraints.and_then(|c| c.min_length.as_ref()), 0),
            max_length: length(constraints.and_then(|c| c.max_length.as_ref()), 2048),
        })
    }

    /// Names of the attributes the schema requires.
    pub fn required_attributes(&self) -> Vec<String> {
        self.settings
            .schema
            .iter()
            .filter(|attribute| attribute.required == Some(true))
            .map(|attribute| {
                if STANDARD.contains(&attribute.name.as_str()) {
                    attribute.name.clone()
                } else if attribute.developer_only_attribute == Some(true) {
                    format!("dev:custom:{}", attribute.name)
                } else {
                    format!("custom:{}", attribute.name)
                }
            })
            .collect()
    }

    pub fn signs_in_with(&self, attribute: &str) -> bool {
        self.settings.username_attributes.iter().any(|a| a == attribute)
    }

    pub fn is_alias(&self, attribute: &str) -> bool {
        self.signs_in_with(attribute) || self.settings.alias_attributes.iter().any(|a| a == attribute)
    }
}

/// Why an update is checked: some rules hold only after the user exists.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Create,
    Update,
}

/// Cognito's schema checks, every failure listed as Cognito lists them.
pub fn check(pool: &Pool, attributes: &[AttributeInput], write: Write) -> Result<()> {
    let mut problems = Vec::new();
    for attribute in attributes {
        let value = attribute.value.as_deref().unwrap_or_default();
        match pool.declared(&attribute.name) {
            None => problems.push(format!("{}: Attribute does not exist in the schema.", attribute.name)),
            Some(declared) => {
                if attribute.name == "sub" || (write == Write::Update && !declared.mutable) {
                    problems.push(format!(
                        "{}: Attribute cannot be updated. (changing an immutable attribute)",
                        attribute.name
                    ));
                } else if value.chars().count() > declared.max_length {
                    problems.push(format!(
                        "{}: String must be no longer than {} characters",
                        attribute.name, declared.max_length
                    ));
                } else if value.chars().count() < declared.min_length {
                    problems.push(format!(
                        "{}: String must be at least {} characters",
                        attribute.name, declared.min_length
                    ));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(error::invalid_parameter(format!(
            "Attributes did not conform to the schema: {}",
            problems.join("\n")
        )));
    }
    for attribute in attributes {
        let value = attribute.value.as_deref().unwrap_or_default();
        match attribute.name.as_str() {
            "email" if !is_email(value) => return Err(error::invalid_parameter("Invalid email address format.")),
            "phone_number" if !is_phone_number(value) => {
                return Err(error::invalid_parameter("Invalid phone number format."))
            }
            "email_verified" | "phone_number_verified" if value != "true" && value != "false" => {
                return Err(error::invalid_parameter(format!(
                    "Invalid value for {}: expected true or false",
                    attribute.name
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else { return false };
    !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !value.chars().any(char::is_whitespace)
}

/// E.164: a plus and up to fifteen digits.
fn is_phone_number(value: &str) -> bool {
    value
        .strip_prefix('+')
        .is_some_and(|digits| (2..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()))
}

/// Cognito's masking: `jane@example.com` -> `j***@e***`, `+15555550123` -> `+*******0123`.
pub fn mask(destination: &str) -> String {
    match destination.split_once('@') {
        Some((local, domain)) => format!("{}***@{}***", first(local), first(domain)),
        None => {
            let digits = destination.chars().count();
            let tail: String = destination.chars().skip(digits.saturating_sub(4)).collect();
            format!("+{}{tail}", "*".repeat(digits.saturating_sub(5)))
        }
    }
}

fn first(text: &str) -> String {
    text.chars().next().map(String::from).unwrap_or_default()
}

/// `[{"Name", "Value"}]`, `sub` first, filtered by what `readable` allows.
pub fn list(user: &User, readable: impl Fn(&str) -> bool) -> Value {
    let mut list = vec![json!({"Name": "sub", "Value": user.sub})];
    list.extend(
        user.attributes
            .iter()
            .filter(|(name, _)| readable(name))
            .map(|(name, value)| json!({"Name": name, "Value": value})),
    );
    Value::Array(list)
}

impl AppClient {
    /// ReadAttributes, or every attribute when the client names none.
    pub fn can_read(&self, name: &str) -> bool {
        match &self.settings.read_attributes {
            Some(names) if !names.is_empty() => name == "sub" || names.iter().any(|n| n == name),
            _ => true,
        }
    }

    /// WriteAttributes, or every mutable attribute but the verified flags when the client names none.
    /// Developer-only attributes are read-only to every app client: only IAM-authenticated
    /// (admin) calls write them (SchemaAttributeType, DeveloperOnlyAttribute).
    pub fn can_write(&self, name: &str) -> bool {
        if name.starts_with("dev:") {
            return false;
        }
        match &self.settings.write_attributes {
            Some(names) if !names.is_empty() => names.iter().any(|n| n == name),
            _ => !name.ends_with("_verified"),
        }
    }
}

/// Applies attributes; an empty value deletes, as Cognito does.
pub fn apply(target: &mut BTreeMap<String, String>, attributes: &[AttributeInput]) {
    for attribute in attributes {
        match attribute.value.as_deref() {
            Some(value) if !value.is_empty() => {
                target.insert(attribute.name.clone(), value.to_owned());
            }
            _ => {
                target.remove(&attribute.name);
            }
        }
    }
}

/// DeleteUserAttributes and AdminDeleteUserAttributes: the names must be in the
/// schema, mutable and not required (the messages follow `check`'s; the ones for
/// required attributes are an assumption). A deleted email or phone number takes
/// its verified flag and any change waiting for verification with it.
pub fn delete(pool: &mut Pool, key: &str, names: &[String]) -> Result<()> {
    let required = pool.required_attributes();
    let mut problems = Vec::new();
    for name in names {
        match pool.declared(name) {
            None => problems.push(format!("{name}: Attribute does not exist in the schema.")),
            Some(declared) if !declared.mutable => {
                problems.push(format!("{name}: Attribute cannot be updated. (changing an immutable attribute)"))
            }
            Some(_) if required.contains(name) => {
                problems.push(format!("{name}: Required attribute cannot be deleted."))
            }
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(error::invalid_parameter(format!(
            "Attributes did not conform to the schema: {}",
            problems.join("\n")
        )));
    }
    let user = pool.users.get_mut(key).ok_or_else(|| error::user_not_found("User does not exist."))?;
    for name in names {
        user.attributes.remove(name);
        user.pending_attributes.remove(name);
        if name == "email" || name == "phone_number" {
            user.attributes.remove(&format!("{name}_verified"));
        }
    }
    Ok(())
}

/// The pre sign-up trigger's autoVerifyEmail and autoVerifyPhone, on attributes given.
pub fn apply_auto_verify(answer: &Value, values: &mut BTreeMap<String, String>) {
    for (flag, attribute) in [("autoVerifyEmail", "email"), ("autoVerifyPhone", "phone_number")] {
        if answer[flag] == true && values.contains_key(attribute) {
            values.insert(format!("{attribute}_verified"), "true".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_masked_as_cognito_masks_them() {
        assert_eq!(mask("jane@example.com"), "j***@e***");
        assert_eq!(mask("+15555550123"), "+*******0123");
    }

    #[test]
    fn phone_numbers_are_e164() {
        assert!(is_phone_number("+15555550123"));
        assert!(!is_phone_number("5555550123"));
        assert!(!is_phone_number("+1555-555"));
    }
}
