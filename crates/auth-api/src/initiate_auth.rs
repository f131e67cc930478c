//! AdminInitiateAuth, built one way for every flow that starts a sign-in: login,
//! step-up's password check and passwordless. A module of its own, so that the
//! functions that only answer challenges (sign_in.rs) need no permission for it
//! (tests/tests/agreement.rs reads each function's calls module by module).

use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::builders::AdminInitiateAuthFluentBuilder;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ContextDataType};

use crate::error::ApiError;
use crate::state::AppState;

/// AdminInitiateAuth with `flow`, USERNAME, SECRET_HASH when needed, the flow's
/// own `parameters`, and the caller's ContextData; the caller sends it, as what
/// Cognito's refusal means differs from flow to flow.
pub async fn initiate(
    state: &AppState,
    flow: AuthFlowType,
    username: &str,
    parameters: &[(&str, &str)],
    context: &ContextDataType,
) -> Result<AdminInitiateAuthFluentBuilder, ApiError> {
    let config = state.config();
    let mut call = state
        .cognito()
        .admin_initiate_auth()
        .user_pool_id(&config.user_pool_id)
        .client_id(&config.client_id)
        .auth_flow(flow)
        .context_data(context.clone())
        .auth_parameters("USERNAME", username);
    for (name, value) in parameters {
        call = call.auth_parameters(*name, *value);
    }
    if let Some(hash) = state.secret_hash(username).await? {
        call = call.auth_parameters("SECRET_HASH", hash);
    }
    Ok(call)
}
