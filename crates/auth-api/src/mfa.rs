//! MFA factors as the API names them, and TOTP set-up: the secret and the
//! `otpauth://` URI authenticator apps read (often from a QR code), per the
//! Key Uri Format: `otpauth://totp/<issuer>:<account>?secret=...&issuer=...`.

use serde::{Deserialize, Serialize};

/// An MFA factor, as the API names it.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Factor {
    Sms,
    Email,
    Totp,
}

impl Factor {
    pub const ALL: [Factor; 3] = [Factor::Totp, Factor::Sms, Factor::Email];

    /// The API's name (as serde writes it).
    pub fn api_name(self) -> &'static str {
        match self {
            Factor::Sms => "sms",
            Factor::Email => "email",
            Factor::Totp => "totp",
        }
    }

    /// Cognito's name: the challenge it leads to, and the MFA setting it is.
    pub fn cognito_name(self) -> &'static str {
        match self {
            Factor::Sms => "SMS_MFA",
            Factor::Email => "EMAIL_OTP",
            Factor::Totp => "SOFTWARE_TOKEN_MFA",
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TotpSetup {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    /// The same secret as an `otpauth://` URI, for a QR code.
    pub otpauth_uri: String,
    /// The session to send with /auth/mfa/setup/verify (sign-in only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn totp_uri(issuer: &str, account: &str, secret: &str) -> String {
    let (issuer, account) = (encode(issuer), encode(account));
    format!("otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30")
}

#[cfg(test)]
mod tests {
    #[test]
    fn issuer_and_account_are_encoded() {
        assert_eq!(
            super::totp_uri("Auth API", "jane@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Auth%20API:jane%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Auth%20API&algorithm=SHA1&digits=6&period=30"
        );
    }
}
