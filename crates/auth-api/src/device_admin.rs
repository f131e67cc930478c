//! An administrator's AdminForgetDevice, shared by step-up (the device its
//! password check may mint) and the sign-out after a recovery.

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;
use crate::state::AppState;

/// AdminForgetDevice; a device already gone is not an error.
pub async fn forget(state: &AppState, username: &str, device_key: &str) -> Result<(), ApiError> {
    let forgotten = state
        .cognito()
        .admin_forget_device()
        .user_pool_id(&state.config().user_pool_id)
        .username(username)
        .device_key(device_key)
        .send()
        .await;
    match forgotten {
        Ok(_) => Ok(()),
        Err(error) if error.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => Ok(()),
        Err(error) => Err(from_sdk(error, CognitoCall::Admin)),
    }
}
