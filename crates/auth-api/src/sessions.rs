//! Ending every session of a user after a recovery or a security change
//! (password changed or reset, MFA changed, email changed): whoever held a
//! stolen refresh token, access token or remembered device is out.

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::device_admin;
use crate::error::ApiError;
use crate::state::AppState;

/// AdminUserGlobalSignOut (every refresh token, and the access tokens issued
/// from them, are revoked), then AdminForgetDevice for every device the user
/// has, so none skips MFA any more. `username` is the user's username (or alias).
pub async fn end_all(state: &AppState, username: &str) -> Result<(), ApiError> {
    let pool = &state.config().user_pool_id;
    state
        .cognito()
        .admin_user_global_sign_out()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
    let mut keys = Vec::new();
    let mut page: Option<String> = None;
    loop {
        let listed = state
            .cognito()
            .admin_list_devices()
            .user_pool_id(pool)
            .username(username)
            .limit(60)
            .set_pagination_token(page.take())
            .send()
            .await
            .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
        keys.extend(listed.devices().iter().filter_map(|device| device.device_key().map(str::to_owned)));
        match listed.pagination_token() {
            Some(next) if !next.is_empty() => page = Some(next.to_owned()),
            _ => break,
        }
    }
    for key in keys {
        device_admin::forget(state, username, &key).await?;
    }
    Ok(())
}
