//! Which Cognito calls the SDK may retry. Its standard retry mode retries any
//! operation that is throttled, answers 5xx, times out or loses its connection;
//! but a lost answer does not mean Cognito did nothing. A retried SignUp, ForgotPassword,
//! ResendConfirmationCode or AdminCreateUser can send a second code or invitation; a retried
//! AdminInitiateAuth can count a second failed password; a retried challenge answer or
//! refresh spends a session or a rotated token the first attempt may already have spent,
//! and turns a success into a refusal. So only calls a second time cannot change are
//! retried: reads, and admin writes that set a state (enable, disable, add to a group, sign out
//! everywhere, an MFA preference). Every other call is made once, with the whole of the
//! `COGNITO_TIMEOUT_MS` bound for its one attempt, and its failure is the client's 429 or
//! 503 to retry (docs/api.md, "When Cognito fails").

use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

/// The Cognito operations that may be retried: no second call can send a message,
/// spend a session or a code, count an attempt, or answer differently from the first.
/// No wildcard: an operation not listed is made once.
pub const RETRIED: &[&str] = &[
    // Reads.
    "AdminGetUser",
    "AdminListDevices",
    "AdminListGroupsForUser",
    "DescribeUserPool",
    "DescribeUserPoolClient",
    "GetUser",
    "ListDevices",
    "ListGroups",
    "ListUsers",
    // Writes that set a state the second call finds already set.
    "AdminAddUserToGroup",
    "AdminDisableUser",
    "AdminEnableUser",
    "AdminUserGlobalSignOut",
    "SetUserMFAPreference",
    "UpdateDeviceStatus",
];

/// Whether the SDK may retry `operation` (Cognito's name for it).
pub fn may_retry(operation: &str) -> bool {
    RETRIED.contains(&operation)
}

/// Makes every call of an operation not in [`RETRIED`] a single attempt, given
/// the whole bound the client's operation timeout sets.
#[derive(Debug)]
pub struct RetryPolicy {
    bound: Duration,
}

impl RetryPolicy {
    /// `bound`: the operation timeout (`COGNITO_TIMEOUT_MS`).
    pub fn new(bound: Duration) -> Self {
        Self { bound }
    }
}

impl Intercept for RetryPolicy {
    fn name(&self) -> &'static str {
        "RetryPolicy"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map(|metadata| metadata.name().to_owned()).unwrap_or_default();
        if may_retry(&operation) {
            return Ok(());
        }
        let timeouts = cfg.load::<TimeoutConfig>().map(TimeoutConfig::to_builder).unwrap_or_default();
        let layer = cfg.interceptor_state();
        layer.store_put(RetryConfig::standard().with_max_attempts(1));
        layer.store_put(timeouts.operation_attempt_timeout(self.bound).build());
        Ok(())
    }
}
