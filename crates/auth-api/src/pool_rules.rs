//! What the API needs to know of the user pool itself, read once per cold start
//! with DescribeUserPool: the password policy, whether sign-up is open and its
//! codes emailed, the declared attributes. Cognito checks a new password only for
//! a user it finds, so the API checks it first: a weak password is refused the same
//! way for everyone. Sign-up checks the rest itself for the same reason: a sign-up
//! with a held address never reaches Cognito, and must be refused alike.

use aws_sdk_cognitoidentityprovider::types::UserPoolType;
use aws_sdk_cognitoidentityprovider::Client;

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::{ApiError, ErrorCode};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolRules {
    pub password_policy: PasswordPolicy,
    /// AutoVerifiedAttributes names email: a sign-up is answered "code emailed".
    pub emails_sign_up_codes: bool,
    /// Not AdminCreateUserConfig.AllowAdminCreateUserOnly.
    pub sign_up_allowed: bool,
    /// The schema's attributes, custom ones as `custom:<name>`.
    pub declared_attributes: Vec<String>,
    /// The schema's required attributes.
    pub required_attributes: Vec<String>,
    /// StringAttributeConstraints, by attribute: (minimum, maximum) characters.
    pub lengths: Vec<(String, usize, usize)>,
    /// The schema's attributes with Mutable false: set once, never changed.
    pub immutable_attributes: Vec<String>,
    /// The schema's attributes whose AttributeDataType is not String: (name, type).
    pub typed_attributes: Vec<(String, String)>,
    /// UsernameAttributes and AliasAttributes: what a user signs in with besides the username.
    pub sign_in_attributes: Vec<String>,
    /// Policies.SignInPolicy.AllowedFirstAuthFactors as Cognito names them (PASSWORD,
    /// EMAIL_OTP, SMS_OTP, WEB_AUTHN); a pool without a sign-in policy signs in by password only.
    pub first_factors: Vec<String>,
    /// MfaConfiguration ON: every user owes MFA, and Cognito offers no passwordless first
    /// factor to a user who does (a user without a password could never sign in).
    pub mfa_required: bool,
}

/// Cognito's standard attributes, which every pool has.
const STANDARD_ATTRIBUTES: &[&str] = &[
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

/// Cognito's PasswordPolicyType; absent fields take Cognito's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub minimum_length: usize,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
        }
    }
}

/// Cognito's special characters (its password policy documentation).
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

impl PoolRules {
    pub async fn describe(cognito: &Client, user_pool_id: &str) -> Result<Self, ApiError> {
        let output = cognito
            .describe_user_pool()
            .user_pool_id(user_pool_id)
            .send()
            .await
            .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
        let pool =
            output.user_pool().ok_or_else(|| ApiError::new(ErrorCode::Internal, "Cognito's answer was incomplete"))?;
        let password_policy =
            pool.policies().and_then(|p| p.password_policy()).map_or_else(PasswordPolicy::default, |p| {
                let default = PasswordPolicy::default();
                PasswordPolicy {
                    minimum_length: p.minimum_length().map_or(default.minimum_length, |n| n.max(0) as usize),
                    require_uppercase: p.require_uppercase(),
                    require_lowercase: p.require_lowercase(),
                    require_numbers: p.require_numbers(),
                    require_symbols: p.require_symbols(),
                }
            });
        let emails_sign_up_codes = pool.auto_verified_attributes().iter().any(|a| a.as_str() == "email");
        // Called by its path: tests/tests/agreement.rs reads `.admin_*()` as an admin call.
        let admin_only = UserPoolType::admin_create_user_config(pool).is_some_and(|c| c.allow_admin_create_user_only());
        let sign_up_allowed = !admin_only;
        let schema = pool.schema_attributes();
        let declared_attributes = schema.iter().filter_map(|a| a.name().map(str::to_owned)).collect();
        // Cognito lists `sub` as required, but sets it itself: no caller gives it.
        let required_attributes = schema
            .iter()
            .filter(|a| a.required() == Some(true) && a.name() != Some("sub"))
            .filter_map(|a| a.name().map(str::to_owned))
            .collect();
        let lengths = schema
            .iter()
            .filter_map(|a| {
                let constraints = a.string_attribute_constraints()?;
                let bound = |b: Option<&str>, default| b.and_then(|b| b.parse().ok()).unwrap_or(default);
                let (min, max) = (bound(constraints.min_length(), 0), bound(constraints.max_length(), 2048));
                Some((a.name()?.to_owned(), min, max))
            })
            .collect();
        let immutable_attributes =
            schema.iter().filter(|a| a.mutable() == Some(false)).filter_map(|a| a.name().map(str::to_owned)).collect();
        let typed_attributes = schema
            .iter()
            .filter_map(|a| Some((a.name()?.to_owned(), a.attribute_data_type()?.as_str().to_owned())))
            .filter(|(_, kind)| kind != "String")
            .collect();
        let sign_in_attributes = pool
            .username_attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .chain(pool.alias_attributes().iter().map(|a| a.as_str().to_owned()))
            .collect();
        let first_factors = pool
            .policies()
            .and_then(|p| p.sign_in_policy())
            .map(|p| p.allowed_first_auth_factors().iter().map(|f| f.as_str().to_owned()).collect::<Vec<_>>())
            .filter(|factors| !factors.is_empty())
            .unwrap_or_else(|| vec!["PASSWORD".to_owned()]);
        let mfa_required = pool.mfa_configuration().is_some_and(|mfa| mfa.as_str() == "ON");
        Ok(Self {
            first_factors,
            mfa_required,
            password_policy,
            emails_sign_up_codes,
            sign_up_allowed,
            declared_attributes,
            required_attributes,
            lengths,
            immutable_attributes,
            typed_attributes,
            sign_in_attributes,
        })
    }

    /// The schema's length bounds on `value`, as a 400 naming the attribute.
    pub fn check_length(&self, name: &str, value: &str) -> Result<(), ApiError> {
        let Some((_, min, max)) = self.lengths.iter().find(|(declared, _, _)| declared == name) else { return Ok(()) };
        let length = value.chars().count();
        if length < *min || length > *max {
            let detail = format!("`{name}` must be {min} to {max} characters");
            return Err(ApiError::validation(format!("attributes.{name}"), detail));
        }
        Ok(())
    }

    /// Whether the pool has an attribute of this name (standard, or declared custom).
    pub fn declares(&self, name: &str) -> bool {
        STANDARD_ATTRIBUTES.contains(&name) || self.declared_attributes.iter().any(|declared| declared == name)
    }

    /// Whether the schema declares the attribute immutable (`sub` always is).
    pub fn is_immutable(&self, name: &str) -> bool {
        name == "sub" || self.immutable_attributes.iter().any(|immutable| immutable == name)
    }

    /// Whether the pool lets users sign in without a password (an emailed or texted
    /// code, or a passkey, as a first factor) and requires no MFA: sign-up may then omit
    /// the password.
    pub fn allows_passwordless(&self) -> bool {
        !self.mfa_required
            && self.first_factors.iter().any(|factor| matches!(factor.as_str(), "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN"))
    }

    /// Whether users sign in with this attribute (UsernameAttributes or AliasAttributes).
    pub fn signs_in_with(&self, name: &str) -> bool {
        self.sign_in_attributes.iter().any(|attribute| attribute == name)
    }

    /// The schema's data type for `value`, as a 400 naming the attribute: a Number is
    /// an integer, a Boolean `true` or `false`; Strings are checked by [`Self::check_length`].
    pub fn check_type(&self, name: &str, value: &str) -> Result<(), ApiError> {
        let Some((_, kind)) = self.typed_attributes.iter().find(|(typed, _)| typed == name) else { return Ok(()) };
        let fits = match kind.as_str() {
            "Number" => value.parse::<i64>().is_ok(),
            "Boolean" => matches!(value, "true" | "false"),
            _ => true,
        };
        if fits {
            return Ok(());
        }
        let expected = if kind == "Number" { "an integer, as a string" } else { "`\"true\"` or `\"false\"`" };
        Err(ApiError::validation(format!("attributes.{name}"), format!("`{name}` must be {expected}")))
    }
}

impl PasswordPolicy {
    /// The first rule `password` breaks, in Cognito's order and words, as a 400
    /// INVALID_PASSWORD on `field`.
    pub fn check(&self, field: &str, password: &str) -> Result<(), ApiError> {
        let broken = if password.chars().count() < self.minimum_length {
            Some("Password not long enough")
        } else if self.require_uppercase && !password.chars().any(char::is_uppercase) {
            Some("Password must have uppercase characters")
        } else if self.require_lowercase && !password.chars().any(char::is_lowercase) {
            Some("Password must have lowercase characters")
        } else if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            Some("Password must have numeric characters")
        } else if self.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
            Some("Password must have symbol characters")
        } else {
            None
        };
        match broken {
            None => Ok(()),
            Some(rule) => Err(ApiError {
                field: Some(field.to_owned()),
                ..ApiError::new(ErrorCode::InvalidPassword, format!("Password did not conform with policy: {rule}"))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schemas_lengths_bound_attribute_values() {
        let rules = PoolRules {
            password_policy: PasswordPolicy::default(),
            emails_sign_up_codes: true,
            sign_up_allowed: true,
            declared_attributes: vec!["custom:universal_id".into()],
            required_attributes: vec!["email".into()],
            lengths: vec![("custom:universal_id".into(), 1, 4)],
            immutable_attributes: vec![],
            typed_attributes: vec![("custom:age".into(), "Number".into())],
            sign_in_attributes: vec![],
            first_factors: vec!["PASSWORD".into()],
            mfa_required: false,
        };
        assert!(!rules.allows_passwordless());
        assert!(rules.check_type("custom:age", "42").is_ok() && rules.check_type("custom:age", "4.2").is_err());
        assert!(rules.check_length("custom:universal_id", "abcd").is_ok());
        let refused = rules.check_length("custom:universal_id", "abcde").unwrap_err();
        assert_eq!(refused.field.as_deref(), Some("attributes.custom:universal_id"));
        assert!(rules.check_length("custom:universal_id", "").is_err());
        assert!(rules.declares("family_name") && rules.declares("custom:universal_id") && !rules.declares("custom:x"));
    }

    #[test]
    fn each_rule_is_refused_with_cognitos_message() {
        let policy = PasswordPolicy { minimum_length: 10, require_symbols: false, ..PasswordPolicy::default() };
        let refused = |password: &str| policy.check("newPassword", password).unwrap_err();
        assert_eq!(refused("Sh0rt").detail, "Password did not conform with policy: Password not long enough");
        assert_eq!(
            refused("lowercase-only-1").detail,
            "Password did not conform with policy: Password must have uppercase characters"
        );
        assert_eq!(
            refused("UPPERCASE-ONLY-1").detail,
            "Password did not conform with policy: Password must have lowercase characters"
        );
        assert_eq!(
            refused("No-Numbers-Here").detail,
            "Password did not conform with policy: Password must have numeric characters"
        );
        assert_eq!(refused("Sh0rt").field.as_deref(), Some("newPassword"));
        assert_eq!(refused("Sh0rt").code, ErrorCode::InvalidPassword);
        assert!(policy.check("p", "Long-Enough-1").is_ok());
        let symbols = PasswordPolicy::default();
        assert_eq!(
            symbols.check("p", "NoSymbols1").unwrap_err().detail,
            "Password did not conform with policy: Password must have symbol characters"
        );
    }
}
