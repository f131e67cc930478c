//! Each Lambda function's routes, with only that function's handlers.
//!
//! A function's `main` names its own router here (`functions::login()`), so its
//! binary links only its own handlers and the Cognito operations they call: the
//! linker drops the rest. (Choosing routes from the table at run time linked every
//! handler into every function: 4.7 MB each, zipped.) Which routes a function
//! serves is still the route table's to say; the handlers below are checked
//! against it when the router is built, and by the tests for every function.

use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

use crate::handlers;
use crate::routes::{routes_of, Function, Operation, Route, ROUTES};
use crate::state::AppState;

/// Routes for `function` from the route table, each with the handler `handler_of` gives.
fn router_of(
    function: Function,
    handler_of: impl Fn(Operation, MethodFilter) -> Option<MethodRouter<AppState>>,
) -> Router<AppState> {
    routes_of(function).fold(Router::new(), |router, route| {
        let handler = handler_of(route.operation, method_filter(route))
            .unwrap_or_else(|| panic!("{function:?} has no handler for {:?}", route.operation));
        router.route(route.path, handler)
    })
}

macro_rules! function_routers {
    ($($function:ident => $name:ident { $($operation:ident => $handler:path),+ $(,)? })+) => {
        $(
            #[doc = concat!("The routes of the `", stringify!($name), "` function, before the shared layers.")]
            pub fn $name() -> Router<AppState> {
                router_of(Function::$function, |operation, filter| match operation {
                    $(Operation::$operation => Some(on(filter, $handler)),)+
                    #[allow(unreachable_patterns)]
                    _ => None,
                })
            }
        )+

        /// Every function's router, by function (the tests build each one).
        pub const ALL: &[(Function, fn() -> Router<AppState>)] = &[$((Function::$function, $name),)+];

        /// Any operation's handler: exhaustive, so an operation without a handler
        /// does not compile.
        fn handler(operation: Operation, filter: MethodFilter) -> MethodRouter<AppState> {
            match operation {
                $($(Operation::$operation => on(filter, $handler),)+)+
            }
        }
    };
}

function_routers! {
    CreateUser => create_user { CreateUser => handlers::create_user::handle }
    Login => login { Login => handlers::login::handle }
    NewPassword => new_password { NewPassword => handlers::new_password::handle }
    EmailVerification => email_verification {
        SendEmailVerificationCode => handlers::email_verification::send_code,
        VerifyEmail => handlers::email_verification::verify,
        ChangeEmail => handlers::email_verification::change,
        SendReauthenticationCode => handlers::email_verification::send_reauthentication_code,
    }
    CurrentUser => current_user { GetCurrentUser => handlers::current_user::handle }
    Mfa => mfa {
        AnswerMfa => handlers::mfa::answer,
        StartMfaSetup => handlers::mfa::start_setup,
        FinishMfaSetup => handlers::mfa::finish_setup,
    }
    AccountMfa => account_mfa {
        GetMfa => handlers::account_mfa::get,
        UpdateMfa => handlers::account_mfa::update,
        StartTotpSetup => handlers::account_mfa::start_totp,
        VerifyTotp => handlers::account_mfa::verify_totp,
    }
    Refresh => refresh { Refresh => handlers::refresh::handle }
    Devices => devices {
        ListDevices => handlers::devices::list,
        UpdateDevice => handlers::devices::update,
        ForgetDevice => handlers::devices::forget,
    }
    Logout => logout { Logout => handlers::logout::handle }
    SignUp => signup {
        SignUp => handlers::signup::sign_up,
        ConfirmSignUp => handlers::signup::confirm,
        ResendSignUpCode => handlers::signup::resend,
    }
    Password => password {
        ForgotPassword => handlers::password::forgot,
        ResetPassword => handlers::password::reset,
        ChangePassword => handlers::password::change,
    }
    ManageUsers => manage_users {
        AdminConfirmUser => handlers::manage_users::confirm,
        ResendInvitation => handlers::manage_users::resend_invitation,
    }
    ExampleClaims => example_claims { GetExampleClaims => handlers::example_claims::handle }
    UserDirectory => user_directory {
        ListUsers => handlers::user_directory::list,
        GetUser => handlers::user_directory::get,
        ListGroups => handlers::user_directory::groups,
    }
    UserStatus => user_status {
        DisableUser => handlers::user_status::disable,
        EnableUser => handlers::user_status::enable,
        SignOutUser => handlers::user_status::sign_out_everywhere,
        ResetUserPassword => handlers::user_status::reset_password,
        DeleteUser => handlers::user_status::delete,
    }
    UserGroups => user_groups {
        AddUserToGroup => handlers::user_groups::add,
        RemoveUserFromGroup => handlers::user_groups::remove,
    }
    UpdateProfile => update_profile { UpdateProfile => handlers::update_profile::handle }
    DeleteAccount => delete_account { DeleteAccount => handlers::delete_account::handle }
    Passwordless => passwordless {
        StartPasswordless => handlers::passwordless::start,
        ChoosePasswordlessFactor => handlers::passwordless::choose,
        AnswerPasswordlessCode => handlers::passwordless::answer_code,
        AnswerPasswordlessPasskey => handlers::passwordless::answer_passkey,
    }
    Passkeys => passkeys {
        StartPasskeyRegistration => handlers::passkeys::options,
        AddPasskey => handlers::passkeys::complete,
        ListPasskeys => handlers::passkeys::list,
        DeletePasskey => handlers::passkeys::delete,
    }
}

/// Every route of every function, for the local server and the in-process tests.
pub fn every_route() -> Router<AppState> {
    ROUTES
        .iter()
        .fold(Router::new(), |router, route| router.route(route.path, handler(route.operation, method_filter(route))))
}

fn method_filter(route: &Route) -> MethodFilter {
    MethodFilter::try_from(route.method.clone()).expect("route methods are standard")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_a_router_with_a_handler_for_each_of_its_routes() {
        let named: Vec<Function> = ALL.iter().map(|(function, _)| *function).collect();
        assert_eq!(named, Function::ALL);
        for (_, router) in ALL {
            // Panics when the route table gives the function a route its handlers lack.
            let _ = router();
        }
    }
}
