//! What the emulator keeps: pools with their clients, groups and users, and
//! the sessions, refresh tokens and messages that cross pools. All of it is
//! serialisable, so `--state FILE` can keep it across restarts.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Default, Serialize, Deserialize)]
pub struct State {
    pub pools: BTreeMap<String, Pool>,
    pub sessions: HashMap<String, Session>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    /// `origin_jti` of every revoked sign-in: access and ID tokens carrying it are dead.
    pub revoked_origins: HashSet<String>,
    pub outbox: Vec<Message>,
    /// Sessions already answered, until they would have expired: a second use says so.
    #[serde(default)]
    pub spent_sessions: HashMap<String, i64>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Pool {
    pub id: String,
    pub arn: String,
    pub created: i64,
    pub modified: i64,
    pub settings: PoolSettings,
    pub mfa: PoolMfa,
    pub clients: BTreeMap<String, AppClient>,
    pub groups: BTreeMap<String, Group>,
    /// Keyed by the canonical username (lower case when usernames are case-insensitive).
    pub users: BTreeMap<String, User>,
    /// The web ACL associated with the pool (AWS WAF's AssociateWebACL), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_acl: Option<WebAcl>,
}

/// A web ACL associated with a pool (see web_acl.rs): it lets through the
/// public operations' requests whose `x-auth-api-caller-key` header is
/// `caller_key`, and blocks the rest.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebAcl {
    pub caller_key: String,
}

impl Pool {
    /// The pool's region: its id starts with it (`ap-northeast-1_AbC123`).
    pub fn region(&self) -> &str {
        self.id.split_once('_').map_or(&self.id, |(region, _)| region)
    }
}

/// CreateUserPool's input, kept as given (DescribeUserPool echoes it).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PoolSettings {
    pub pool_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<Policies>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub auto_verified_attributes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alias_attributes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub username_attributes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username_configuration: Option<UsernameConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_configuration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_configuration: Option<DeviceConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_create_user_config: Option<AdminCreateUserConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_attribute_update_settings: Option<UserAttributeUpdateSettings>,
    #[serde(rename = "Schema", skip_serializing_if = "Vec::is_empty")]
    pub schema: Vec<SchemaAttribute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_configuration: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_configuration: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_recovery_setting: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_message_template: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_config: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_tags: Option<Value>,
    /// LITE, ESSENTIALS or PLUS (CreateUserPool's UserPoolTier; ESSENTIALS when left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_tier: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Policies {
    pub password_policy: PasswordPolicy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_policy: Option<SignInPolicy>,
}

/// SignInPolicyType: the first factors a sign-in may start with (USER_AUTH).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SignInPolicy {
    pub allowed_first_auth_factors: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: u32,
}

/// Cognito's defaults when a pool declares no policy.
impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UsernameConfiguration {
    pub case_sensitive: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeviceConfiguration {
    pub challenge_required_on_new_device: bool,
    pub device_only_remembered_on_user_prompt: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AdminCreateUserConfig {
    pub allow_admin_create_user_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_message_template: Option<Value>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UserAttributeUpdateSettings {
    pub attributes_require_verification_before_update: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SchemaAttribute {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_data_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mutable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_only_attribute: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_attribute_constraints: Option<StringConstraints>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_attribute_constraints: Option<NumberConstraints>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StringConstraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NumberConstraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_value: Option<String>,
}

/// Which MFA factors the pool offers (CreateUserPool's SmsConfiguration,
/// SetUserPoolMfaConfig).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PoolMfa {
    pub sms: bool,
    pub software_token: bool,
    pub email: bool,
    /// SetUserPoolMfaConfig's WebAuthnConfiguration: the passkeys' relying party (a domain)
    #[serde(default)]
    pub web_authn_relying_party_id: Option<String>,
    /// ... their user verification, `required` or `preferred` (the default) ...
    #[serde(default)]
    pub web_authn_user_verification: Option<String>,
    /// ... and FactorConfiguration (passkey MFA, kept but not emulated).
    #[serde(default)]
    pub web_authn_factor_configuration: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppClient {
    pub id: String,
    pub name: String,
    pub secret: Option<String>,
    pub created: i64,
    /// Set by UpdateUserPoolClient.
    #[serde(default)]
    pub modified: Option<i64>,
    pub settings: ClientSettings,
}

/// CreateUserPoolClient's input, kept as given.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ClientSettings {
    pub client_name: String,
    #[serde(skip_serializing)]
    pub generate_secret: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explicit_auth_flows: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prevent_user_existence_errors: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_attributes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_attributes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_validity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_validity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_validity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_validity_units: Option<TokenValidityUnits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_session_validity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_token_revocation: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_rotation: Option<RefreshTokenRotation>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TokenValidityUnits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RefreshTokenRotation {
    pub feature: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_grace_period_seconds: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub description: Option<String>,
    pub precedence: Option<i64>,
    pub role_arn: Option<String>,
    pub created: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserStatus {
    #[serde(rename = "UNCONFIRMED")]
    Unconfirmed,
    #[serde(rename = "CONFIRMED")]
    Confirmed,
    #[serde(rename = "FORCE_CHANGE_PASSWORD")]
    ForceChangePassword,
    #[serde(rename = "RESET_REQUIRED")]
    ResetRequired,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ResetRequired => "RESET_REQUIRED",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    /// As created (the `sub` when the pool signs in by email or phone number).
    pub username: String,
    pub sub: String,
    /// Every attribute but `sub`.
    pub attributes: BTreeMap<String, String>,
    pub status: UserStatus,
    pub enabled: bool,
    pub password: Option<PasswordHash>,
    /// When the temporary password stops working (FORCE_CHANGE_PASSWORD).
    pub temporary_password_expires: Option<i64>,
    pub created: i64,
    pub modified: i64,
    pub groups: BTreeSet<String>,
    pub mfa: UserMfa,
    pub lockout: Lockout,
    pub codes: BTreeMap<String, IssuedCode>,
    pub devices: BTreeMap<String, Device>,
    /// A changed attribute that waits for its code (AttributesRequireVerificationBeforeUpdate).
    pub pending_attributes: BTreeMap<String, String>,
    /// The user's passkeys (CompleteWebAuthnRegistration), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passkeys: Vec<Passkey>,
    /// StartWebAuthnRegistration's options, until CompleteWebAuthnRegistration uses them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey_registration: Option<PasskeyRegistration>,
}

/// A registered passkey: what ListWebAuthnCredentials shows, and what the
/// assertion check needs (the public key and the signature counter).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Passkey {
    /// base64url, as the authenticator gave it.
    pub credential_id: String,
    pub relying_party_id: String,
    pub friendly_name: Option<String>,
    pub authenticator_attachment: Option<String>,
    pub transports: Vec<String>,
    pub created: i64,
    /// The verifier's record (webauthn-rs-core's Credential): the public key, the
    /// signature counter, the user verification at registration.
    pub credential: Value,
}

/// A registration in progress: the verifier's state (its challenge) and when it lapses.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasskeyRegistration {
    pub state: Value,
    pub relying_party_id: String,
    pub client_id: String,
    pub expires: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasswordHash {
    pub salt: String,
    pub sha256: String,
    /// USER_SRP_AUTH's verifier and salt (passwords set before it existed have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srp: Option<DeviceVerifier>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UserMfa {
    pub sms_enabled: bool,
    pub email_enabled: bool,
    pub software_token_enabled: bool,
    pub preferred: Option<String>,
    /// A verified TOTP secret (base32).
    pub software_token_secret: Option<String>,
    /// A secret from AssociateSoftwareToken, not yet verified.
    pub pending_software_token_secret: Option<String>,
    /// The last TOTP code accepted: Cognito takes each code once.
    #[serde(default)]
    pub software_token_last_use: Option<TotpUse>,
}

/// The secret and RFC 6238 time step of the last TOTP code accepted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TotpUse {
    pub secret: String,
    pub step: i64,
}

/// Cognito's growing lockout after failed sign-ins (see `auth::lockout`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Lockout {
    pub failures: u32,
    pub locked_until: i64,
    pub last_failure: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IssuedCode {
    pub code: String,
    pub expires: i64,
    pub failed_attempts: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Device {
    pub key: String,
    pub group_key: String,
    pub name: Option<String>,
    pub created: i64,
    pub last_modified: i64,
    pub last_authenticated: i64,
    /// Set by ConfirmDevice.
    pub verifier: Option<DeviceVerifier>,
    /// "remembered" or "not_remembered" once confirmed.
    pub remembered: bool,
    pub attributes: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeviceVerifier {
    /// Base64 of the big-endian verifier, as ConfirmDevice sent it.
    pub password_verifier: String,
    pub salt: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Challenge {
    NewPasswordRequired,
    SmsMfa,
    EmailOtp,
    SoftwareTokenMfa,
    SelectMfaType,
    MfaSetup,
    DeviceSrpAuth,
    DevicePasswordVerifier,
    /// USER_SRP_AUTH's second step.
    PasswordVerifier,
    /// USER_AUTH: the first factors the user may choose from (AvailableChallenges).
    SelectFirstFactor,
    /// USER_AUTH: a one-time code by email as the first factor (named EMAIL_OTP, like the MFA one).
    EmailOtpSignIn,
    /// USER_AUTH: a one-time code by SMS as the first factor.
    SmsOtp,
    /// USER_AUTH: a passkey's assertion.
    WebAuthn,
    /// Not a challenge: the sign-in ConfirmSignUp's Session lets InitiateAuth USER_AUTH finish.
    SignUpConfirmed,
}

impl Challenge {
    pub fn name(&self) -> &'static str {
        match self {
            Self::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            Self::SmsMfa => "SMS_MFA",
            Self::EmailOtp => "EMAIL_OTP",
            Self::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            Self::SelectMfaType => "SELECT_MFA_TYPE",
            Self::MfaSetup => "MFA_SETUP",
            Self::DeviceSrpAuth => "DEVICE_SRP_AUTH",
            Self::DevicePasswordVerifier => "DEVICE_PASSWORD_VERIFIER",
            Self::PasswordVerifier => "PASSWORD_VERIFIER",
            Self::SelectFirstFactor => "SELECT_CHALLENGE",
            Self::EmailOtpSignIn => "EMAIL_OTP",
            Self::SmsOtp => "SMS_OTP",
            Self::WebAuthn => "WEB_AUTHN",
            Self::SignUpConfirmed => "CONFIRM_SIGN_UP",
        }
    }
}

/// Where a sign-in stands: who, through which client, and what it has passed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Progress {
    pub pool_id: String,
    pub client_id: String,
    /// The user's key in the pool.
    pub username: String,
    pub auth_time: i64,
    /// DEVICE_KEY given at sign-in.
    pub device_key: Option<String>,
    pub mfa_passed: bool,
    pub device_passed: bool,
}

/// A challenge waiting for its answer: bound to its sign-in (pool, client,
/// user) and to the challenge it was issued for; it expires.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub progress: Progress,
    pub challenge: Challenge,
    pub expires: i64,
    pub failed_attempts: u32,
    /// The code sent for SMS_MFA or EMAIL_OTP, and when it stops working.
    pub code: Option<IssuedCode>,
    /// SELECT_MFA_TYPE: the factors offered.
    pub choices: Vec<String>,
    /// DEVICE_PASSWORD_VERIFIER: the server's side of the SRP exchange.
    pub srp: Option<SrpState>,
    /// MFA_SETUP: VerifySoftwareToken succeeded with this session.
    pub software_token_verified: bool,
    /// MFA_SETUP: the secret AssociateSoftwareToken gave this session.
    pub software_token_secret: Option<String>,
    /// USER_AUTH for a user the pool lacks, when the client prevents user existence
    /// errors: a decoy that no answer passes.
    #[serde(default)]
    pub decoy: bool,
    /// WEB_AUTHN: the verifier's state, with the challenge the assertion must sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_authn_state: Option<Value>,
}

impl Session {
    /// A session for `challenge`; `expires` is set when it is issued.
    pub fn new(progress: Progress, challenge: Challenge) -> Self {
        Self {
            progress,
            challenge,
            expires: 0,
            failed_attempts: 0,
            code: None,
            choices: Vec::new(),
            srp: None,
            software_token_verified: false,
            software_token_secret: None,
            decoy: false,
            web_authn_state: None,
        }
    }
}

impl User {
    /// A new user with a password (hashed here) and nothing else yet.
    pub fn new(
        username: String,
        sub: String,
        attributes: BTreeMap<String, String>,
        status: UserStatus,
        password: PasswordHash,
        now: i64,
    ) -> Self {
        Self {
            username,
            sub,
            attributes,
            status,
            enabled: true,
            password: Some(password),
            temporary_password_expires: None,
            created: now,
            modified: now,
            groups: BTreeSet::new(),
            mfa: UserMfa::default(),
            lockout: Lockout::default(),
            codes: BTreeMap::new(),
            devices: BTreeMap::new(),
            pending_attributes: BTreeMap::new(),
            passkeys: Vec::new(),
            passkey_registration: None,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SrpState {
    pub b: String,
    pub big_b: String,
    pub big_a: String,
    pub secret_block: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefreshToken {
    pub pool_id: String,
    pub client_id: String,
    pub username: String,
    pub origin_jti: String,
    pub auth_time: i64,
    pub expires: i64,
    pub device_key: Option<String>,
    /// Rotation: the token that replaced this one stops this one after the grace period.
    pub superseded_at: Option<i64>,
}

/// What Cognito would have sent by email or SMS; or, of kind `notice`, an
/// email the API sent through SES (ses.rs), which has a subject and a text
/// and no pool, user or code.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub user_pool_id: String,
    pub username: String,
    pub destination: String,
    pub delivery_medium: String,
    pub kind: String,
    pub code: String,
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}
