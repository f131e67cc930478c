//! The caller key: a header on every Cognito call the functions make. The web
//! ACL template.yaml associates with the user pool lets through only
//! public-API calls (those authorized by a client id, a session or an access
//! token) that carry it, so the pool answers no one but these functions: a
//! stolen access token cannot call SetUserMFAPreference, AssociateSoftwareToken,
//! ForgetDevice or DeleteUser straight at Cognito, around the API's step-up
//! (docs/security.md). Admin calls are signed with IAM and the web ACL never
//! sees them; they carry the header all the same.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::config::Secret;

/// The header the web ACL's rule reads.
pub const HEADER: &str = "x-auth-api-caller-key";

#[derive(Debug)]
pub struct CallerKey(Secret);

impl CallerKey {
    pub fn new(key: Secret) -> Self {
        Self(key)
    }
}

impl Intercept for CallerKey {
    fn name(&self) -> &'static str {
        "CallerKey"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        context.request_mut().headers_mut().try_insert(HEADER, self.0.expose().to_owned())?;
        Ok(())
    }
}
