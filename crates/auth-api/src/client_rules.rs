//! What sign-up needs to know of the app client, read once per cold start with
//! DescribeUserPoolClient: the attributes it may write. Sign-up refuses the others
//! itself, so that a sign-up with a held address (which never reaches Cognito) is
//! refused exactly as a new one would be.

use aws_sdk_cognitoidentityprovider::Client;

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::{ApiError, ErrorCode};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRules {
    /// WriteAttributes; empty when the client leaves it unset.
    pub write_attributes: Vec<String>,
}

impl ClientRules {
    pub async fn describe(cognito: &Client, user_pool_id: &str, client_id: &str) -> Result<Self, ApiError> {
        let output = cognito
            .describe_user_pool_client()
            .user_pool_id(user_pool_id)
            .client_id(client_id)
            .send()
            .await
            .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
        let client = output
            .user_pool_client()
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "Cognito's answer was incomplete"))?;
        Ok(Self { write_attributes: client.write_attributes().to_vec() })
    }

    /// Cognito: a client without WriteAttributes may write every attribute but the
    /// `*_verified` ones.
    pub fn may_write(&self, name: &str) -> bool {
        if self.write_attributes.is_empty() {
            !name.ends_with("_verified")
        } else {
            self.write_attributes.iter().any(|writable| writable == name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unset_list_writes_all_but_verification_flags() {
        let unset = ClientRules { write_attributes: vec![] };
        assert!(unset.may_write("custom:universal_id") && !unset.may_write("email_verified"));
        let listed = ClientRules { write_attributes: vec!["email".into()] };
        assert!(listed.may_write("email") && !listed.may_write("custom:universal_id"));
    }
}
