//! The route table: the single list of what the API answers, and which Lambda
//! function answers it. The router, template.yaml and openapi.yaml follow it
//! (tests/src/agreement.rs fails when they drift).

use http::Method;

/// One Lambda function; its crate is `functions/<crate_name>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    CreateUser,
    Login,
    NewPassword,
    EmailVerification,
    CurrentUser,
}

impl Function {
    pub const ALL: &'static [Function] = &[
        Function::CreateUser,
        Function::Login,
        Function::NewPassword,
        Function::EmailVerification,
        Function::CurrentUser,
    ];

    pub fn crate_name(self) -> &'static str {
        match self {
            Function::CreateUser => "create-user",
            Function::Login => "login",
            Function::NewPassword => "new-password",
            Function::EmailVerification => "email-verification",
            Function::CurrentUser => "current-user",
        }
    }

    /// The Cognito actions that need IAM permission: the admin calls only.
    /// Calls authorized by the user's access token need none.
    pub fn iam_actions(self) -> &'static [&'static str] {
        match self {
            Function::CreateUser => &["cognito-idp:AdminCreateUser"],
            Function::Login => &["cognito-idp:AdminInitiateAuth"],
            Function::NewPassword => &["cognito-idp:AdminRespondToAuthChallenge"],
            Function::EmailVerification | Function::CurrentUser => &[],
        }
    }
}

/// What a route does; its name is the OpenAPI operationId.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    CreateUser,
    Login,
    NewPassword,
    SendEmailVerificationCode,
    VerifyEmail,
    GetCurrentUser,
}

impl Operation {
    pub fn operation_id(self) -> &'static str {
        match self {
            Operation::CreateUser => "createUser",
            Operation::Login => "login",
            Operation::NewPassword => "newPassword",
            Operation::SendEmailVerificationCode => "sendEmailVerificationCode",
            Operation::VerifyEmail => "verifyEmail",
            Operation::GetCurrentUser => "getCurrentUser",
        }
    }
}

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub operation: Operation,
    pub function: Function,
}

pub const ROUTES: &[Route] = &[
    Route {
        method: Method::POST,
        path: "/auth/users",
        operation: Operation::CreateUser,
        function: Function::CreateUser,
    },
    Route { method: Method::POST, path: "/auth/login", operation: Operation::Login, function: Function::Login },
    Route {
        method: Method::POST,
        path: "/auth/new-password",
        operation: Operation::NewPassword,
        function: Function::NewPassword,
    },
    Route {
        method: Method::POST,
        path: "/auth/email/verification-code",
        operation: Operation::SendEmailVerificationCode,
        function: Function::EmailVerification,
    },
    Route {
        method: Method::POST,
        path: "/auth/email/verify",
        operation: Operation::VerifyEmail,
        function: Function::EmailVerification,
    },
    Route {
        method: Method::GET,
        path: "/auth/me",
        operation: Operation::GetCurrentUser,
        function: Function::CurrentUser,
    },
];

/// The routes one function serves.
pub fn routes_of(function: Function) -> impl Iterator<Item = &'static Route> {
    ROUTES.iter().filter(move |route| route.function == function)
}
