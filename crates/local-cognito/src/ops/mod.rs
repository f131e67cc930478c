//! Every Cognito operation the emulator answers, by name. Each submodule holds
//! one family of operations; what they share lives below them (`lookups`,
//! `ctx`, the sign-in engine in `auth`).

use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::Result;
use crate::wire::Operation;

mod devices;
mod groups;
mod mfa;
mod passkeys;
mod pools;
mod self_service;
mod sign_in;
mod sign_up;
pub mod users;

pub use sign_in::check_flow;

const OPERATIONS: &[(&str, Operation)] = &[
    ("CreateUserPool", pools::create_user_pool),
    ("DescribeUserPool", pools::describe_user_pool),
    ("DeleteUserPool", pools::delete_user_pool),
    ("ListUserPools", pools::list_user_pools),
    ("CreateUserPoolClient", pools::create_user_pool_client),
    ("DescribeUserPoolClient", pools::describe_user_pool_client),
    ("UpdateUserPool", pools::update_user_pool),
    ("UpdateUserPoolClient", pools::update_user_pool_client),
    ("ListUserPoolClients", pools::list_user_pool_clients),
    ("DeleteUserPoolClient", pools::delete_user_pool_client),
    ("AddCustomAttributes", pools::add_custom_attributes),
    ("SetUserPoolMfaConfig", mfa::set_user_pool_mfa_config),
    ("GetUserPoolMfaConfig", mfa::get_user_pool_mfa_config),
    ("CreateGroup", groups::create_group),
    ("GetGroup", groups::get_group),
    ("ListGroups", groups::list_groups),
    ("AdminAddUserToGroup", groups::admin_add_user_to_group),
    ("AdminRemoveUserFromGroup", groups::admin_remove_user_from_group),
    ("AdminListGroupsForUser", groups::admin_list_groups_for_user),
    ("ListUsersInGroup", groups::list_users_in_group),
    ("DeleteGroup", groups::delete_group),
    ("UpdateGroup", groups::update_group),
    ("AdminCreateUser", users::admin_create_user),
    ("AdminGetUser", users::admin_get_user),
    ("AdminDeleteUser", users::admin_delete_user),
    ("AdminDisableUser", users::admin_disable_user),
    ("AdminEnableUser", users::admin_enable_user),
    ("AdminUpdateUserAttributes", users::admin_update_user_attributes),
    ("AdminResetUserPassword", users::admin_reset_user_password),
    ("AdminSetUserPassword", users::admin_set_user_password),
    ("AdminConfirmSignUp", users::admin_confirm_sign_up),
    ("ListUsers", users::list_users),
    ("AdminDeleteUserAttributes", users::admin_delete_user_attributes),
    ("GetUser", self_service::get_user),
    ("UpdateUserAttributes", self_service::update_user_attributes),
    ("DeleteUser", self_service::delete_user),
    ("DeleteUserAttributes", self_service::delete_user_attributes),
    ("ChangePassword", self_service::change_password),
    ("GetUserAttributeVerificationCode", self_service::get_user_attribute_verification_code),
    ("VerifyUserAttribute", self_service::verify_user_attribute),
    ("GlobalSignOut", self_service::global_sign_out),
    ("AdminUserGlobalSignOut", users::admin_user_global_sign_out),
    ("SignUp", sign_up::sign_up),
    ("ConfirmSignUp", sign_up::confirm_sign_up),
    ("ResendConfirmationCode", sign_up::resend_confirmation_code),
    ("ForgotPassword", sign_up::forgot_password),
    ("ConfirmForgotPassword", sign_up::confirm_forgot_password),
    ("InitiateAuth", sign_in::initiate_auth),
    ("AdminInitiateAuth", sign_in::admin_initiate_auth),
    ("RespondToAuthChallenge", sign_in::respond_to_auth_challenge),
    ("AdminRespondToAuthChallenge", sign_in::admin_respond_to_auth_challenge),
    ("GetTokensFromRefreshToken", sign_in::get_tokens_from_refresh_token),
    ("RevokeToken", sign_in::revoke_token),
    ("AssociateSoftwareToken", mfa::associate_software_token),
    ("VerifySoftwareToken", mfa::verify_software_token),
    ("SetUserMFAPreference", mfa::set_user_mfa_preference),
    ("AdminSetUserMFAPreference", mfa::admin_set_user_mfa_preference),
    ("ConfirmDevice", devices::confirm_device),
    ("GetDevice", devices::get_device),
    ("AdminGetDevice", devices::admin_get_device),
    ("ListDevices", devices::list_devices),
    ("AdminListDevices", devices::admin_list_devices),
    ("ForgetDevice", devices::forget_device),
    ("AdminForgetDevice", devices::admin_forget_device),
    ("UpdateDeviceStatus", devices::update_device_status),
    ("StartWebAuthnRegistration", passkeys::start_web_authn_registration),
    ("CompleteWebAuthnRegistration", passkeys::complete_web_authn_registration),
    ("ListWebAuthnCredentials", passkeys::list_web_authn_credentials),
    ("DeleteWebAuthnCredential", passkeys::delete_web_authn_credential),
    ("AdminUpdateDeviceStatus", devices::admin_update_device_status),
];

pub fn find(name: &str) -> Option<Operation> {
    OPERATIONS.iter().find(|(known, _)| *known == name).map(|(_, operation)| *operation)
}

/// The names of every operation answered, for the documentation test.
pub fn names() -> impl Iterator<Item = &'static str> {
    OPERATIONS.iter().map(|(name, _)| *name)
}

/// Every Cognito operation the emulator answers.
pub fn operation_names() -> Vec<&'static str> {
    names().collect()
}

/// Calls an operation by name: the seeding goes through the same code as the SDK.
pub fn call(ctx: &mut Ctx, name: &str, input: Value) -> Result<Value> {
    find(name).expect("a known operation")(ctx, input)
}
