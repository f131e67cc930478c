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
    Mfa,
    AccountMfa,
    Refresh,
    Devices,
    Logout,
    SignUp,
    Password,
    ManageUsers,
    ExampleClaims,
    UserDirectory,
    UserStatus,
    UserGroups,
    UpdateProfile,
    DeleteAccount,
    Passwordless,
    Passkeys,
}

impl Function {
    pub const ALL: &'static [Function] = &[
        Function::CreateUser,
        Function::Login,
        Function::NewPassword,
        Function::EmailVerification,
        Function::CurrentUser,
        Function::Mfa,
        Function::AccountMfa,
        Function::Refresh,
        Function::Devices,
        Function::Logout,
        Function::SignUp,
        Function::Password,
        Function::ManageUsers,
        Function::ExampleClaims,
        Function::UserDirectory,
        Function::UserStatus,
        Function::UserGroups,
        Function::UpdateProfile,
        Function::DeleteAccount,
        Function::Passwordless,
        Function::Passkeys,
    ];

    pub fn crate_name(self) -> &'static str {
        match self {
            Function::CreateUser => "create-user",
            Function::Login => "login",
            Function::NewPassword => "new-password",
            Function::EmailVerification => "email-verification",
            Function::CurrentUser => "current-user",
            Function::Mfa => "mfa",
            Function::AccountMfa => "account-mfa",
            Function::Refresh => "refresh",
            Function::Devices => "devices",
            Function::Logout => "logout",
            Function::SignUp => "signup",
            Function::Password => "password",
            Function::ManageUsers => "manage-users",
            Function::ExampleClaims => "example-claims",
            Function::UserDirectory => "user-directory",
            Function::UserStatus => "user-status",
            Function::UserGroups => "user-groups",
            Function::UpdateProfile => "update-profile",
            Function::DeleteAccount => "delete-account",
            Function::Passwordless => "passwordless",
            Function::Passkeys => "passkeys",
        }
    }

    /// The Cognito actions that need IAM permission: the admin calls, ListUsers and
    /// DescribeUserPool. Calls authorized by the user's access token need none.
    pub fn iam_actions(self) -> &'static [&'static str] {
        match self {
            Function::CreateUser => &["cognito-idp:AdminCreateUser", "cognito-idp:AdminListGroupsForUser"],
            // A remembered device's SRP challenges are answered within the login.
            Function::Login => &["cognito-idp:AdminInitiateAuth", "cognito-idp:AdminRespondToAuthChallenge"],
            Function::NewPassword => &["cognito-idp:AdminRespondToAuthChallenge"],
            // The per-user count of wrong codes (crate::code_limit).
            Function::Mfa => &[
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminRespondToAuthChallenge",
                "cognito-idp:AdminUpdateUserAttributes",
            ],
            // Step-up checks the password (AdminInitiateAuth, and AdminRespondToAuthChallenge for a
            // TOTP user's code) and forgets the device that may mint,
            // or counts wrong emailed codes (AdminGetUser, AdminUpdateUserAttributes: code_limit);
            // a change then ends every session (sessions::end_all).
            Function::AccountMfa => &[
                "cognito-idp:AdminForgetDevice",
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminInitiateAuth",
                "cognito-idp:AdminListDevices",
                "cognito-idp:AdminRespondToAuthChallenge",
                "cognito-idp:AdminUpdateUserAttributes",
                "cognito-idp:AdminUserGlobalSignOut",
            ],
            // The same, and ListUsers: an email change keeps one address, one account.
            Function::EmailVerification => &[
                "cognito-idp:AdminForgetDevice",
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminInitiateAuth",
                "cognito-idp:AdminListDevices",
                "cognito-idp:AdminRespondToAuthChallenge",
                "cognito-idp:AdminUpdateUserAttributes",
                "cognito-idp:AdminUserGlobalSignOut",
                "cognito-idp:ListUsers",
            ],
            Function::Devices => &[
                "cognito-idp:AdminForgetDevice",
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminInitiateAuth",
                "cognito-idp:AdminRespondToAuthChallenge",
                "cognito-idp:AdminUpdateUserAttributes",
            ],
            // The live check of ID tokens (crate::live).
            Function::ExampleClaims => &["cognito-idp:AdminGetUser", "cognito-idp:AdminListGroupsForUser"],
            Function::ManageUsers => {
                &["cognito-idp:AdminConfirmSignUp", "cognito-idp:AdminCreateUser", "cognito-idp:AdminListGroupsForUser"]
            }
            // ListUsers, AdminGetUser: one address, one account (at sign-up and at
            // confirmation). DescribeUserPool(Client): the password policy, schema and
            // WriteAttributes, checked before Cognito is asked, so that a held address
            // (never sent to SignUp) is refused as a new one would be.
            Function::SignUp => &[
                "cognito-idp:AdminGetUser",
                "cognito-idp:DescribeUserPool",
                "cognito-idp:DescribeUserPoolClient",
                "cognito-idp:ListUsers",
            ],
            // The password policy, checked first; a reset or change ends every session. The
            // per-user count of wrong reset codes, cleared by a reset or change (code_limit).
            Function::Password => &[
                "cognito-idp:AdminForgetDevice",
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminListDevices",
                "cognito-idp:AdminUpdateUserAttributes",
                "cognito-idp:AdminUserGlobalSignOut",
                "cognito-idp:DescribeUserPool",
            ],
            // Reads only; AdminListGroupsForUser is also the admin check (crate::admin).
            Function::UserDirectory => &[
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminListDevices",
                "cognito-idp:AdminListGroupsForUser",
                "cognito-idp:ListGroups",
                "cognito-idp:ListUsers",
            ],
            // Whether a user can sign in; AdminGetUser resolves the target (admin_target).
            Function::UserStatus => &[
                "cognito-idp:AdminDeleteUser",
                "cognito-idp:AdminDisableUser",
                "cognito-idp:AdminEnableUser",
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminListGroupsForUser",
                "cognito-idp:AdminResetUserPassword",
                "cognito-idp:AdminUserGlobalSignOut",
            ],
            Function::UserGroups => &[
                "cognito-idp:AdminAddUserToGroup",
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminListGroupsForUser",
                "cognito-idp:AdminRemoveUserFromGroup",
            ],
            // The schema and the app client's WriteAttributes, read once, so that what the
            // client may not write is refused naming the field; the writes themselves are
            // UpdateUserAttributes and DeleteUserAttributes with the user's access token.
            Function::UpdateProfile => &["cognito-idp:DescribeUserPool", "cognito-idp:DescribeUserPoolClient"],
            // Step-up (as Devices); the deletion is DeleteUser with the user's own access
            // token, which can delete no one else, and ends every session with the user.
            // AdminListGroupsForUser: a member of the admin group is refused.
            Function::DeleteAccount => &[
                "cognito-idp:AdminForgetDevice",
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminInitiateAuth",
                "cognito-idp:AdminListGroupsForUser",
                "cognito-idp:AdminRespondToAuthChallenge",
                "cognito-idp:AdminUpdateUserAttributes",
            ],
            // Choice-based sign-in (USER_AUTH) and its answers; AdminGetUser and
            // AdminUpdateUserAttributes: the per-user count of wrong codes (code_limit);
            // DescribeUserPool: the factors the pool allows; GetUserPoolMfaConfig: the
            // relying party, for the passkey challenge of a username without passkeys.
            Function::Passwordless => &[
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminInitiateAuth",
                "cognito-idp:AdminRespondToAuthChallenge",
                "cognito-idp:AdminUpdateUserAttributes",
                "cognito-idp:DescribeUserPool",
                "cognito-idp:GetUserPoolMfaConfig",
            ],
            // Step-up (as Devices); the passkey calls themselves take the user's access token.
            Function::Passkeys => &[
                "cognito-idp:AdminForgetDevice",
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminInitiateAuth",
                "cognito-idp:AdminRespondToAuthChallenge",
                "cognito-idp:AdminUpdateUserAttributes",
            ],
            Function::CurrentUser | Function::Refresh | Function::Logout => &[],
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
    AnswerMfa,
    StartMfaSetup,
    FinishMfaSetup,
    GetMfa,
    UpdateMfa,
    StartTotpSetup,
    VerifyTotp,
    Refresh,
    ListDevices,
    UpdateDevice,
    ForgetDevice,
    Logout,
    SignUp,
    ConfirmSignUp,
    ResendSignUpCode,
    ForgotPassword,
    ResetPassword,
    ChangePassword,
    AdminConfirmUser,
    ResendInvitation,
    GetExampleClaims,
    ChangeEmail,
    SendReauthenticationCode,
    ListUsers,
    GetUser,
    ListGroups,
    DisableUser,
    EnableUser,
    SignOutUser,
    ResetUserPassword,
    DeleteUser,
    AddUserToGroup,
    RemoveUserFromGroup,
    UpdateProfile,
    DeleteAccount,
    StartPasswordless,
    ChoosePasswordlessFactor,
    AnswerPasswordlessCode,
    AnswerPasswordlessPasskey,
    StartPasskeyRegistration,
    AddPasskey,
    ListPasskeys,
    DeletePasskey,
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
            Operation::AnswerMfa => "answerMfa",
            Operation::StartMfaSetup => "startMfaSetup",
            Operation::FinishMfaSetup => "finishMfaSetup",
            Operation::GetMfa => "getMfa",
            Operation::UpdateMfa => "updateMfa",
            Operation::StartTotpSetup => "startTotpSetup",
            Operation::VerifyTotp => "verifyTotp",
            Operation::Refresh => "refresh",
            Operation::ListDevices => "listDevices",
            Operation::UpdateDevice => "updateDevice",
            Operation::ForgetDevice => "forgetDevice",
            Operation::Logout => "logout",
            Operation::SignUp => "signUp",
            Operation::ConfirmSignUp => "confirmSignUp",
            Operation::ResendSignUpCode => "resendSignUpCode",
            Operation::ForgotPassword => "forgotPassword",
            Operation::ResetPassword => "resetPassword",
            Operation::ChangePassword => "changePassword",
            Operation::AdminConfirmUser => "confirmUser",
            Operation::ResendInvitation => "resendInvitation",
            Operation::GetExampleClaims => "getExampleClaims",
            Operation::ChangeEmail => "changeEmail",
            Operation::SendReauthenticationCode => "sendReauthenticationCode",
            Operation::ListUsers => "listUsers",
            Operation::GetUser => "getUser",
            Operation::ListGroups => "listGroups",
            Operation::DisableUser => "disableUser",
            Operation::EnableUser => "enableUser",
            Operation::SignOutUser => "signOutUser",
            Operation::ResetUserPassword => "resetUserPassword",
            Operation::DeleteUser => "deleteUser",
            Operation::AddUserToGroup => "addUserToGroup",
            Operation::RemoveUserFromGroup => "removeUserFromGroup",
            Operation::UpdateProfile => "updateProfile",
            Operation::DeleteAccount => "deleteAccount",
            Operation::StartPasswordless => "startPasswordless",
            Operation::ChoosePasswordlessFactor => "choosePasswordlessFactor",
            Operation::AnswerPasswordlessCode => "answerPasswordlessCode",
            Operation::AnswerPasswordlessPasskey => "answerPasswordlessPasskey",
            Operation::StartPasskeyRegistration => "startPasskeyRegistration",
            Operation::AddPasskey => "addPasskey",
            Operation::ListPasskeys => "listPasskeys",
            Operation::DeletePasskey => "deletePasskey",
        }
    }
}

impl Operation {
    /// Whether a script could use the route to guess a secret (a password, a code, a
    /// token) or to make Cognito send mail or SMS. template.yaml's per-IP WAF rule and
    /// tighter per-route throttles cover exactly these (tests/tests/agreement.rs).
    /// No wildcard: a new operation must be decided here.
    pub fn guesses_or_sends(self) -> bool {
        use Operation::*;
        match self {
            // Passwords, codes, sessions and refresh tokens are guessed here.
            Login | NewPassword | VerifyEmail | AnswerMfa | FinishMfaSetup | VerifyTotp | Refresh | ConfirmSignUp
            | ResetPassword | ChangePassword => true,
            // Mail or SMS is sent here (an invitation, a code).
            SendEmailVerificationCode | SignUp | ResendSignUpCode | ForgotPassword | CreateUser | ResendInvitation => {
                true
            }
            // Changes to the account's factors, guarded by a fresh proof (a password or a code).
            StartMfaSetup | UpdateMfa | StartTotpSetup | ForgetDevice | ChangeEmail => true,
            // A code is mailed to prove the caller holds the address.
            SendReauthenticationCode => true,
            // An administrator's password reset mails the user a code.
            ResetUserPassword => true,
            // Administrators only (checked live); nothing guessed, nothing sent.
            ListUsers | GetUser | ListGroups | DisableUser | EnableUser | SignOutUser | DeleteUser | AddUserToGroup
            | RemoveUserFromGroup => false,
            // The password (or a code) that proves the user before the account goes.
            DeleteAccount => true,
            // Passwordless sign-in mails or texts codes, and its codes and sessions are guessed.
            StartPasswordless | ChoosePasswordlessFactor | AnswerPasswordlessCode | AnswerPasswordlessPasskey => true,
            // A passkey is a factor: adding one needs a fresh proof first, deleting one too.
            StartPasskeyRegistration | DeletePasskey => true,
            // The registration's answer guesses nothing (its challenge came after the proof).
            AddPasskey | ListPasskeys => false,
            // Profile attributes only: no identifier, so no code is sent and nothing guessed.
            UpdateProfile => false,
            GetCurrentUser | GetMfa | ListDevices | UpdateDevice | Logout | AdminConfirmUser | GetExampleClaims => {
                false
            }
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
    Route { method: Method::POST, path: "/auth/mfa", operation: Operation::AnswerMfa, function: Function::Mfa },
    Route {
        method: Method::POST,
        path: "/auth/mfa/setup",
        operation: Operation::StartMfaSetup,
        function: Function::Mfa,
    },
    Route {
        method: Method::POST,
        path: "/auth/mfa/setup/verify",
        operation: Operation::FinishMfaSetup,
        function: Function::Mfa,
    },
    Route { method: Method::GET, path: "/auth/me/mfa", operation: Operation::GetMfa, function: Function::AccountMfa },
    Route {
        method: Method::PUT,
        path: "/auth/me/mfa",
        operation: Operation::UpdateMfa,
        function: Function::AccountMfa,
    },
    Route {
        method: Method::POST,
        path: "/auth/me/mfa/totp",
        operation: Operation::StartTotpSetup,
        function: Function::AccountMfa,
    },
    Route {
        method: Method::POST,
        path: "/auth/me/mfa/totp/verify",
        operation: Operation::VerifyTotp,
        function: Function::AccountMfa,
    },
    Route { method: Method::POST, path: "/auth/refresh", operation: Operation::Refresh, function: Function::Refresh },
    Route {
        method: Method::GET,
        path: "/auth/me/devices",
        operation: Operation::ListDevices,
        function: Function::Devices,
    },
    Route {
        method: Method::PUT,
        path: "/auth/me/devices/{deviceKey}",
        operation: Operation::UpdateDevice,
        function: Function::Devices,
    },
    Route {
        method: Method::DELETE,
        path: "/auth/me/devices/{deviceKey}",
        operation: Operation::ForgetDevice,
        function: Function::Devices,
    },
    Route { method: Method::POST, path: "/auth/logout", operation: Operation::Logout, function: Function::Logout },
    Route { method: Method::POST, path: "/auth/signup", operation: Operation::SignUp, function: Function::SignUp },
    Route {
        method: Method::POST,
        path: "/auth/signup/confirm",
        operation: Operation::ConfirmSignUp,
        function: Function::SignUp,
    },
    Route {
        method: Method::POST,
        path: "/auth/signup/resend",
        operation: Operation::ResendSignUpCode,
        function: Function::SignUp,
    },
    Route {
        method: Method::POST,
        path: "/auth/password/forgot",
        operation: Operation::ForgotPassword,
        function: Function::Password,
    },
    Route {
        method: Method::POST,
        path: "/auth/password/reset",
        operation: Operation::ResetPassword,
        function: Function::Password,
    },
    Route {
        method: Method::POST,
        path: "/auth/password/change",
        operation: Operation::ChangePassword,
        function: Function::Password,
    },
    Route {
        method: Method::POST,
        path: "/auth/users/{username}/confirm",
        operation: Operation::AdminConfirmUser,
        function: Function::ManageUsers,
    },
    Route {
        method: Method::POST,
        path: "/auth/users/{username}/invitation",
        operation: Operation::ResendInvitation,
        function: Function::ManageUsers,
    },
    Route {
        method: Method::GET,
        path: "/auth/example/claims",
        operation: Operation::GetExampleClaims,
        function: Function::ExampleClaims,
    },
    Route {
        method: Method::POST,
        path: "/auth/me/email",
        operation: Operation::ChangeEmail,
        function: Function::EmailVerification,
    },
    Route {
        method: Method::POST,
        path: "/auth/me/reauthentication",
        operation: Operation::SendReauthenticationCode,
        function: Function::EmailVerification,
    },
    Route {
        method: Method::GET,
        path: "/auth/users",
        operation: Operation::ListUsers,
        function: Function::UserDirectory,
    },
    Route {
        method: Method::GET,
        path: "/auth/users/{username}",
        operation: Operation::GetUser,
        function: Function::UserDirectory,
    },
    Route {
        method: Method::GET,
        path: "/auth/groups",
        operation: Operation::ListGroups,
        function: Function::UserDirectory,
    },
    Route {
        method: Method::POST,
        path: "/auth/users/{username}/disable",
        operation: Operation::DisableUser,
        function: Function::UserStatus,
    },
    Route {
        method: Method::POST,
        path: "/auth/users/{username}/enable",
        operation: Operation::EnableUser,
        function: Function::UserStatus,
    },
    Route {
        method: Method::POST,
        path: "/auth/users/{username}/sign-out",
        operation: Operation::SignOutUser,
        function: Function::UserStatus,
    },
    Route {
        method: Method::POST,
        path: "/auth/users/{username}/password-reset",
        operation: Operation::ResetUserPassword,
        function: Function::UserStatus,
    },
    Route {
        method: Method::DELETE,
        path: "/auth/users/{username}",
        operation: Operation::DeleteUser,
        function: Function::UserStatus,
    },
    Route {
        method: Method::PUT,
        path: "/auth/users/{username}/groups/{group}",
        operation: Operation::AddUserToGroup,
        function: Function::UserGroups,
    },
    Route {
        method: Method::DELETE,
        path: "/auth/users/{username}/groups/{group}",
        operation: Operation::RemoveUserFromGroup,
        function: Function::UserGroups,
    },
    Route {
        method: Method::PATCH,
        path: "/auth/me",
        operation: Operation::UpdateProfile,
        function: Function::UpdateProfile,
    },
    Route {
        method: Method::DELETE,
        path: "/auth/me",
        operation: Operation::DeleteAccount,
        function: Function::DeleteAccount,
    },
    Route {
        method: Method::POST,
        path: "/auth/passwordless",
        operation: Operation::StartPasswordless,
        function: Function::Passwordless,
    },
    Route {
        method: Method::POST,
        path: "/auth/passwordless/factor",
        operation: Operation::ChoosePasswordlessFactor,
        function: Function::Passwordless,
    },
    Route {
        method: Method::POST,
        path: "/auth/passwordless/code",
        operation: Operation::AnswerPasswordlessCode,
        function: Function::Passwordless,
    },
    Route {
        method: Method::POST,
        path: "/auth/passwordless/passkey",
        operation: Operation::AnswerPasswordlessPasskey,
        function: Function::Passwordless,
    },
    Route {
        method: Method::POST,
        path: "/auth/me/passkeys/options",
        operation: Operation::StartPasskeyRegistration,
        function: Function::Passkeys,
    },
    Route {
        method: Method::POST,
        path: "/auth/me/passkeys",
        operation: Operation::AddPasskey,
        function: Function::Passkeys,
    },
    Route {
        method: Method::GET,
        path: "/auth/me/passkeys",
        operation: Operation::ListPasskeys,
        function: Function::Passkeys,
    },
    Route {
        method: Method::DELETE,
        path: "/auth/me/passkeys/{credentialId}",
        operation: Operation::DeletePasskey,
        function: Function::Passkeys,
    },
];

/// The routes one function serves.
pub fn routes_of(function: Function) -> impl Iterator<Item = &'static Route> {
    ROUTES.iter().filter(move |route| route.function == function)
}
