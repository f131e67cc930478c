//! The API under Cognito's faults, injected with the local Cognito's
//! `/_local/faults` (docs/local-cognito.md): every route answers a throttle
//! with 429 and Retry-After, Cognito's 5xx, a dropped connection and a hang
//! with 503 and Retry-After, never a 500; and no retry doubles an effect (one
//! code, one invitation) when Cognito did the work and its answer was lost.
//! docs/api.md, "When Cognito fails", is what these tests hold the API to.

use auth_api::routes::{Operation, ROUTES};
use integration_tests::*;
use serde_json::{json, Value};

/// Arms a fault in the local Cognito; `fault` is POST /_local/faults's body.
async fn arm(fault: Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/_local/faults", local_cognito_url()))
        .json(&fault)
        .send()
        .await
        .expect("the local Cognito answers");
    assert_eq!(response.status(), 201, "{fault}: {}", response.text().await.unwrap_or_default());
}

async fn clear_faults() {
    reqwest::Client::new()
        .delete(format!("{}/_local/faults", local_cognito_url()))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("faults cleared");
}

/// What every route is called with: tokens got before any fault is armed.
struct World {
    pool: Pool,
    admin: String,
    user: String,
    access: String,
    id: String,
    refresh: String,
}

async fn world() -> (World, TestApi) {
    // Passwordless on, so that its routes get as far as Cognito.
    let options = PoolOptions { allow_sign_up: true, groups: vec!["staff"], passwordless: true, ..Default::default() };
    let pool = create_pool(options).await;
    let api = TestApi::start(&pool).await;
    let admin = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let user = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &user).await;
    let login = api.post("/auth/login", json!({"username": user, "password": PASSWORD}), None).await;
    assert_eq!(login.status, 200, "{login:?}");
    let token = |name: &str| login.body["tokens"][name].as_str().expect("token").to_owned();
    let (access, id, refresh) = (token("accessToken"), token("idToken"), token("refreshToken"));
    (World { pool, admin, user, access, id, refresh }, api)
}

/// A request each route would carry out, were Cognito well: it passes every check
/// the API makes before its first Cognito call.
fn request(operation: Operation, w: &World) -> (&'static str, String, Option<Value>, Option<String>) {
    use Operation::*;
    let proof = json!({"reauthentication": {"currentPassword": PASSWORD}});
    let session = "AYABeEXAMPLEsessionEXAMPLEsession";
    let credential = json!({"id": "Y3JlZGVudGlhbA", "rawId": "Y3JlZGVudGlhbA", "type": "public-key",
        "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"}});
    let user = &w.user;
    let (admin, access) = (Some(w.admin.clone()), Some(w.access.clone()));
    let (method, path, body, token) = match operation {
        CreateUser => ("POST", "/auth/users".to_owned(), Some(json!({"email": "new-user@example.com"})), admin),
        Login => ("POST", "/auth/login".to_owned(), Some(json!({"username": user, "password": PASSWORD})), None),
        NewPassword => (
            "POST",
            "/auth/new-password".to_owned(),
            Some(json!({"username": user, "session": session, "newPassword": "An0ther-Passw0rd!"})),
            None,
        ),
        SendEmailVerificationCode => ("POST", "/auth/email/verification-code".to_owned(), Some(json!({})), access),
        VerifyEmail => ("POST", "/auth/email/verify".to_owned(), Some(json!({"code": "123456"})), access),
        GetCurrentUser => ("GET", "/auth/me".to_owned(), None, access),
        AnswerMfa => (
            "POST",
            "/auth/mfa".to_owned(),
            Some(json!({"username": user, "session": session, "challenge": "SOFTWARE_TOKEN_MFA", "code": "123456"})),
            None,
        ),
        StartMfaSetup => {
            ("POST", "/auth/mfa/setup".to_owned(), Some(json!({"username": user, "session": session})), None)
        }
        FinishMfaSetup => (
            "POST",
            "/auth/mfa/setup/verify".to_owned(),
            Some(json!({"username": user, "session": session, "code": "123456"})),
            None,
        ),
        GetMfa => ("GET", "/auth/me/mfa".to_owned(), None, access),
        UpdateMfa => (
            "PUT",
            "/auth/me/mfa".to_owned(),
            Some(json!({"email": true, "reauthentication": proof["reauthentication"]})),
            access,
        ),
        StartTotpSetup => ("POST", "/auth/me/mfa/totp".to_owned(), Some(proof), access),
        VerifyTotp => (
            "POST",
            "/auth/me/mfa/totp/verify".to_owned(),
            Some(json!({"code": "123456", "reauthentication": proof["reauthentication"]})),
            access,
        ),
        Refresh => ("POST", "/auth/refresh".to_owned(), Some(json!({"refreshToken": w.refresh})), None),
        ListDevices => ("GET", "/auth/me/devices".to_owned(), None, access),
        UpdateDevice => (
            "PUT",
            "/auth/me/devices/us-east-1_0f0e0d0c-0b0a-4908-8706-050403020100".to_owned(),
            Some(json!({"remembered": false})),
            access,
        ),
        ForgetDevice => (
            "DELETE",
            "/auth/me/devices/us-east-1_0f0e0d0c-0b0a-4908-8706-050403020100".to_owned(),
            Some(proof),
            access,
        ),
        Logout => ("POST", "/auth/logout".to_owned(), Some(json!({"refreshToken": w.refresh})), access),
        SignUp => (
            "POST",
            "/auth/signup".to_owned(),
            Some(json!({"email": "signing-up@example.com", "password": PASSWORD})),
            None,
        ),
        ConfirmSignUp => {
            ("POST", "/auth/signup/confirm".to_owned(), Some(json!({"username": user, "code": "123456"})), None)
        }
        ResendSignUpCode => ("POST", "/auth/signup/resend".to_owned(), Some(json!({"username": user})), None),
        ForgotPassword => ("POST", "/auth/password/forgot".to_owned(), Some(json!({"username": user})), None),
        ResetPassword => (
            "POST",
            "/auth/password/reset".to_owned(),
            Some(json!({"username": user, "code": "123456", "newPassword": "An0ther-Passw0rd!"})),
            None,
        ),
        ChangePassword => (
            "POST",
            "/auth/password/change".to_owned(),
            Some(json!({"currentPassword": PASSWORD, "newPassword": "An0ther-Passw0rd!"})),
            access,
        ),
        AdminConfirmUser => ("POST", format!("/auth/users/{user}/confirm"), None, admin),
        ResendInvitation => ("POST", format!("/auth/users/{user}/invitation"), None, admin),
        GetExampleClaims => ("GET", "/auth/example/claims".to_owned(), None, Some(w.id.clone())),
        ChangeEmail => (
            "POST",
            "/auth/me/email".to_owned(),
            Some(json!({"email": "changed@example.com", "reauthentication": proof["reauthentication"]})),
            access,
        ),
        SendReauthenticationCode => ("POST", "/auth/me/reauthentication".to_owned(), Some(json!({})), access),
        ListUsers => ("GET", "/auth/users".to_owned(), None, admin),
        GetUser => ("GET", format!("/auth/users/{user}"), None, admin),
        ListGroups => ("GET", "/auth/groups".to_owned(), None, admin),
        DisableUser => ("POST", format!("/auth/users/{user}/disable"), None, admin),
        EnableUser => ("POST", format!("/auth/users/{user}/enable"), None, admin),
        SignOutUser => ("POST", format!("/auth/users/{user}/sign-out"), None, admin),
        ResetUserPassword => ("POST", format!("/auth/users/{user}/password-reset"), None, admin),
        DeleteUser => ("DELETE", format!("/auth/users/{user}"), None, admin),
        AddUserToGroup => ("PUT", format!("/auth/users/{user}/groups/staff"), None, admin),
        RemoveUserFromGroup => ("DELETE", format!("/auth/users/{user}/groups/staff"), None, admin),
        UpdateProfile => ("PATCH", "/auth/me".to_owned(), Some(json!({"attributes": {"name": "Pat"}})), access),
        DeleteAccount => ("DELETE", "/auth/me".to_owned(), Some(proof), access),
        StartPasswordless => ("POST", "/auth/passwordless".to_owned(), Some(json!({"username": user})), None),
        ChoosePasswordlessFactor => (
            "POST",
            "/auth/passwordless/factor".to_owned(),
            Some(json!({"username": user, "session": session, "factor": "email"})),
            None,
        ),
        AnswerPasswordlessCode => (
            "POST",
            "/auth/passwordless/code".to_owned(),
            Some(json!({"username": user, "session": session, "challenge": "EMAIL_OTP", "code": "123456"})),
            None,
        ),
        AnswerPasswordlessPasskey => (
            "POST",
            "/auth/passwordless/passkey".to_owned(),
            Some(json!({"username": user, "session": session, "credential": credential})),
            None,
        ),
        StartPasskeyRegistration => ("POST", "/auth/me/passkeys/options".to_owned(), Some(proof), access),
        AddPasskey => ("POST", "/auth/me/passkeys".to_owned(), Some(json!({"credential": credential})), access),
        ListPasskeys => ("GET", "/auth/me/passkeys".to_owned(), None, access),
        DeletePasskey => ("DELETE", "/auth/me/passkeys/Y3JlZGVudGlhbA".to_owned(), Some(proof), access),
    };
    (method, path, body, token)
}

async fn call(api: &TestApi, operation: Operation, w: &World) -> Answer {
    let (method, path, body, token) = request(operation, w);
    let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
    api.send(method, &path, body, token.as_deref()).await
}

/// Arms `fault` on every Cognito call for the pool. A call with a session the pool
/// never gave (the MFA set-up routes' AssociateSoftwareToken and VerifySoftwareToken)
/// names no pool: those two are struck whatever the pool (nextest gives each test an
/// emulator of its own).
async fn arm_everywhere(fault: &Value, pool: &Pool) {
    let mut fault = fault.clone();
    fault["operation"] = json!("*");
    fault["userPoolId"] = json!(pool.user_pool_id);
    arm(fault.clone()).await;
    for sessions_only in ["AssociateSoftwareToken", "VerifySoftwareToken"] {
        let mut fault = fault.clone();
        fault["operation"] = json!(sessions_only);
        fault.as_object_mut().expect("an object").remove("userPoolId");
        arm(fault).await;
    }
}

/// Every route, with every Cognito call of the pool failing as `fault` says,
/// answers `status` and `code` with a Retry-After.
async fn every_route_answers(fault: Value, status: u16, code: &str) {
    let (w, api) = world().await;
    arm_everywhere(&fault, &w.pool).await;
    let mut wrong = Vec::new();
    for route in ROUTES {
        let answer = call(&api, route.operation, &w).await;
        let ok = answer.status == status
            && answer.problem_code() == code
            && answer.header("retry-after").is_some_and(|s| s.parse::<u32>().is_ok_and(|s| s > 0));
        if !ok {
            wrong.push(format!("{} {}: {} {}", route.method, route.path, answer.status, answer.body));
        }
    }
    assert!(
        wrong.is_empty(),
        "under {fault}, these routes did not answer {status} {code} with Retry-After:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn every_route_answers_a_throttle_with_429_and_retry_after() {
    every_route_answers(json!({"error": "TooManyRequestsException"}), 429, "TOO_MANY_REQUESTS").await;
}

#[tokio::test]
async fn every_route_answers_the_aws_front_ends_throttle_with_429_too() {
    every_route_answers(json!({"error": "ThrottlingException"}), 429, "TOO_MANY_REQUESTS").await;
}

#[tokio::test]
async fn every_route_answers_cognitos_internal_error_with_503() {
    every_route_answers(json!({"error": "InternalErrorException"}), 503, "UPSTREAM_UNAVAILABLE").await;
}

#[tokio::test]
async fn every_route_answers_a_dropped_connection_with_503() {
    every_route_answers(json!({"drop": true}), 503, "UPSTREAM_UNAVAILABLE").await;
}

#[tokio::test]
async fn every_route_answers_a_hang_with_503_within_the_bound() {
    // GIVEN the API bounded to 500 ms a Cognito call, and every call of the pool held
    // for a minute: were the bound not kept, the held call would end in Cognito's answer
    // (not a 503), or in the test client's own timeout, a minute on.
    let (w, _) = world().await;
    let mut env = config_for(&w.pool);
    env.insert("COGNITO_TIMEOUT_MS", "500".to_owned());
    let bounded = TestApi::start_with(env).await;
    arm_everywhere(&json!({"delayMs": 60_000}), &w.pool).await;
    let mut wrong = Vec::new();
    for route in ROUTES {
        let answer = call(&bounded, route.operation, &w).await;
        if answer.status != 503
            || answer.problem_code() != "UPSTREAM_UNAVAILABLE"
            || answer.header("retry-after").is_none()
        {
            wrong.push(format!("{} {}: {} {}", route.method, route.path, answer.status, answer.body));
        }
    }
    assert!(wrong.is_empty(), "under a hang, these routes did not answer 503:\n{}", wrong.join("\n"));
}

fn messages_of<'a>(outbox: &'a [Value], username: &str, kind: &str) -> Vec<&'a Value> {
    outbox.iter().filter(|m| m["username"] == username && m["kind"] == kind).collect()
}

#[tokio::test]
async fn a_lost_answer_to_forgot_password_sends_one_code_not_two() {
    // GIVEN a user, and ForgotPassword's answer lost once Cognito has sent the code
    let (w, api) = world().await;
    arm(json!({"operation": "ForgotPassword", "userPoolId": w.pool.user_pool_id, "drop": true, "afterWork": true, "count": 1}))
        .await;
    // WHEN the user asks for a reset code
    let answer = api.post("/auth/password/forgot", json!({"username": w.user}), None).await;
    // THEN the API answers 503 (the client may ask again), and the SDK did not ask a
    // second time behind its back: one code went out
    answer.assert_problem(503, "UPSTREAM_UNAVAILABLE");
    assert!(answer.header("retry-after").is_some(), "{answer:?}");
    assert_eq!(messages_of(&outbox().await, &w.user, "forgot_password").len(), 1);
    // AND the one code resets the password
    let code = outbox_code(&w.user, "forgot_password").await;
    let reset = api
        .post(
            "/auth/password/reset",
            json!({"username": w.user, "code": code, "newPassword": "An0ther-Passw0rd!"}),
            None,
        )
        .await;
    assert!(reset.status < 300, "{reset:?}");
}

#[tokio::test]
async fn a_lost_answer_to_sign_up_sends_one_code_and_the_account_can_be_confirmed() {
    // GIVEN SignUp's answer lost once Cognito has made the account and sent its code
    let (w, api) = world().await;
    arm(json!({"operation": "SignUp", "userPoolId": w.pool.user_pool_id, "drop": true, "afterWork": true, "count": 1}))
        .await;
    let username = format!("signer-{}", uuid::Uuid::new_v4());
    let email = format!("{username}@example.com");
    let answer =
        api.post("/auth/signup", json!({"username": username, "email": email, "password": PASSWORD}), None).await;
    answer.assert_problem(503, "UPSTREAM_UNAVAILABLE");
    // THEN one code, not two; and the account it made is confirmed with it
    assert_eq!(messages_of(&outbox().await, &username, "sign_up").len(), 1);
    let code = outbox_code(&username, "sign_up").await;
    let confirm = api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await;
    assert!(confirm.status < 300, "{confirm:?}");
    api.access_token(&username, PASSWORD).await;
}

#[tokio::test]
async fn a_lost_answer_to_create_user_sends_one_invitation() {
    // GIVEN AdminCreateUser's answer lost once Cognito has made the user and mailed the invitation
    let (w, api) = world().await;
    arm(json!({"operation": "AdminCreateUser", "userPoolId": w.pool.user_pool_id, "drop": true, "afterWork": true, "count": 1}))
        .await;
    let username = format!("invited-{}", uuid::Uuid::new_v4());
    let answer = api
        .post("/auth/users", json!({"username": username, "email": format!("{username}@example.com")}), Some(&w.admin))
        .await;
    answer.assert_problem(503, "UPSTREAM_UNAVAILABLE");
    // THEN one invitation; asking again finds the user, and sends nothing more
    assert_eq!(messages_of(&outbox().await, &username, "invitation").len(), 1);
    let again = api
        .post("/auth/users", json!({"username": username, "email": format!("{username}@example.com")}), Some(&w.admin))
        .await;
    again.assert_problem(409, "USERNAME_EXISTS");
    assert_eq!(messages_of(&outbox().await, &username, "invitation").len(), 1);
}

#[tokio::test]
async fn a_throttled_resend_sends_nothing_and_the_next_one_a_single_code() {
    // GIVEN an unconfirmed sign-up, and ResendConfirmationCode throttled once
    let (w, api) = world().await;
    let username = format!("resender-{}", uuid::Uuid::new_v4());
    let signed_up = api
        .post(
            "/auth/signup",
            json!({"username": username, "email": format!("{username}@example.com"), "password": PASSWORD}),
            None,
        )
        .await;
    assert!(signed_up.status < 300, "{signed_up:?}");
    arm(json!({"operation": "ResendConfirmationCode", "userPoolId": w.pool.user_pool_id, "error": "TooManyRequestsException", "count": 1}))
        .await;
    // WHEN the user asks for a new code twice
    let throttled = api.post("/auth/signup/resend", json!({"username": username}), None).await;
    throttled.assert_problem(429, "TOO_MANY_REQUESTS");
    assert_eq!(throttled.header("retry-after"), Some("1"));
    assert_eq!(messages_of(&outbox().await, &username, "sign_up").len(), 1, "the sign-up's code only");
    let resent = api.post("/auth/signup/resend", json!({"username": username}), None).await;
    assert!(resent.status < 300, "{resent:?}");
    // THEN the second sent one code
    assert_eq!(messages_of(&outbox().await, &username, "sign_up").len(), 2);
}

#[tokio::test]
async fn a_throttled_login_is_429_and_the_next_login_succeeds() {
    let (w, api) = world().await;
    arm(json!({"operation": "AdminInitiateAuth", "userPoolId": w.pool.user_pool_id, "error": "TooManyRequestsException", "count": 3}))
        .await;
    let login = api.post("/auth/login", json!({"username": w.user, "password": PASSWORD}), None).await;
    login.assert_problem(429, "TOO_MANY_REQUESTS");
    // AdminInitiateAuth is made once per login: the one login spent one of the three strikes.
    let armed: Vec<Value> =
        reqwest::get(format!("{}/_local/faults", local_cognito_url())).await.unwrap().json().await.unwrap();
    assert_eq!(armed[0]["struck"], 1, "{armed:?}");
    clear_faults().await;
    api.access_token(&w.user, PASSWORD).await;
}

#[tokio::test]
async fn a_read_is_retried_once_so_one_throttle_goes_unseen() {
    // GIVEN GetUser (a read, which the SDK may retry) throttled once
    let (w, api) = world().await;
    arm(json!({"operation": "GetUser", "userPoolId": w.pool.user_pool_id, "error": "TooManyRequestsException", "count": 1}))
        .await;
    // THEN GET /auth/me answers, the retry having met no throttle
    let me = api.get("/auth/me", Some(&w.access)).await;
    assert_eq!(me.status, 200, "{me:?}");
}
