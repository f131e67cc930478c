//! One address, one account: who already holds an email. Only an account past
//! UNCONFIRMED counts. An unconfirmed sign-up proves nothing about the address,
//! and if it counted, anyone could block an address's owner from signing up
//! by signing up with it first (the owner would get a 201 and never a code).
//! Unconfirmed accounts are settled at confirmation instead: the first to
//! confirm holds the address, and the others can no longer be confirmed.

use aws_sdk_cognitoidentityprovider::types::UserStatusType;

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;
use crate::state::AppState;

/// ListUsers' largest page.
const PAGE: i32 = 60;
/// Pages read before giving up on finding a holder among unconfirmed sign-ups
/// (each page is one ListUsers call).
const MAX_PAGES: usize = 5;

/// The username of an account, other than `except`, that holds `email` (as
/// given, or in lower case) and is past UNCONFIRMED.
pub async fn holder_of(state: &AppState, email: &str, except: Option<&str>) -> Result<Option<String>, ApiError> {
    let lower = email.to_lowercase();
    let spellings = if lower == email { vec![email] } else { vec![email, lower.as_str()] };
    for spelling in spellings {
        // ListUsers' filter quotes the value: a quote or backslash in it is escaped.
        let filter = format!("email = \"{}\"", spelling.replace('\\', "\\\\").replace('"', "\\\""));
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let page = state
                .cognito()
                .list_users()
                .user_pool_id(&state.config().user_pool_id)
                .filter(&filter)
                .attributes_to_get("email")
                .limit(PAGE)
                .set_pagination_token(token)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            let holder = page.users().iter().find(|user| {
                user.user_status() != Some(&UserStatusType::Unconfirmed)
                    && user.username().is_some_and(|name| Some(name) != except)
            });
            if let Some(holder) = holder {
                return Ok(holder.username().map(str::to_owned));
            }
            token = page.pagination_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
    }
    Ok(None)
}
