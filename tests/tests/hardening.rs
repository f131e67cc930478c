//! Regression tests for the security review's findings that show at the HTTP surface.

use integration_tests::*;
use serde_json::json;

#[tokio::test]
async fn a_callers_request_id_is_never_used() {
    // GIVEN a caller that sends its own x-request-id
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let answer = reqwest::Client::new()
        .post(format!("{}/auth/login", api.base))
        .header("x-request-id", "chosen-by-the-caller")
        .json(&json!({"username": "nobody", "password": "Wrong-Passw0rd-1"}))
        .send()
        .await
        .unwrap();
    // THEN the answer carries the API's own id, in the header and the problem body
    let id = answer.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(id, "chosen-by-the-caller");
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["requestId"], id.as_str());
}

#[tokio::test]
async fn no_answer_may_be_cached_or_sniffed() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let answers = [
        api.post("/auth/login", json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}), None).await,
        api.get("/auth/me", Some(&token)).await,
        api.post("/auth/login", json!({"username": 1}), None).await,
        api.get("/no/such/route", None).await,
    ];
    for answer in answers {
        assert_eq!(answer.header("cache-control"), Some("no-store"), "{answer:?}");
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"), "{answer:?}");
    }
}

#[test]
fn tokens_and_sessions_never_show_in_debug_output() {
    let tokens = auth_api::auth_result::Tokens {
        access_token: "access-secret".into(),
        id_token: "id-secret".into(),
        refresh_token: Some("refresh-secret".into()),
        expires_in: 3600,
        token_type: "Bearer".into(),
    };
    let challenge = auth_api::auth_result::Challenge {
        name: "SMS_MFA".into(),
        session: "session-secret".into(),
        username: "jane".into(),
        parameters: Default::default(),
    };
    let printed = format!("{tokens:?} {challenge:?}");
    assert!(!printed.contains("secret"), "{printed}");
}

#[tokio::test]
async fn new_password_sets_only_the_required_attributes() {
    // GIVEN an invited user at NEW_PASSWORD_REQUIRED
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = user_with_temporary_password(&pool, Some("jane@example.com")).await;
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    let session = login.body["challenge"]["session"].as_str().unwrap();
    // WHEN the answer also sets an administrator's attribute THEN 400 naming it, and nothing changes
    let answer = api
        .post(
            "/auth/new-password",
            json!({"username": username, "session": session, "newPassword": "Brand-New-Passw0rd",
                   "attributes": {"custom:universal_id": "forged"}}),
            None,
        )
        .await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "attributes.custom:universal_id");
    let user = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "FORCE_CHANGE_PASSWORD");
}

#[tokio::test]
async fn a_locked_out_user_cannot_be_told_from_a_stranger() {
    // GIVEN a real user locked out after five wrong passwords
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let wrong = |name: &str| api.post("/auth/login", json!({"username": name, "password": "Wrong-Passw0rd-1"}), None);
    for _ in 0..5 {
        wrong(&username).await;
    }
    // THEN the locked account and an unknown one get the same answer
    let locked = wrong(&username).await;
    let unknown = wrong("nobody-at-all").await;
    assert_eq!((locked.status, locked.problem_code()), (unknown.status, unknown.problem_code()));
    assert_eq!(locked.body["detail"], unknown.body["detail"]);
}

/// With their access token a user can call Cognito's public UpdateUserAttributes
/// directly: the pool must stop them where the API would.
#[tokio::test]
async fn users_cannot_rewrite_their_identity_attributes() {
    // GIVEN a signed-in user of the deployed-like pool, with a verified email
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    sdk()
        .admin_update_user_attributes()
        .user_pool_id(&pool.user_pool_id)
        .username(&username)
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .unwrap();
    let token = api.access_token(&username, PASSWORD).await;
    // WHEN they set an administrator's attribute THEN Cognito refuses it
    let forged = sdk()
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attribute("custom:universal_id", "someone-else"))
        .send()
        .await;
    assert!(forged.is_err(), "{forged:?}");
    // WHEN they change their email or preferred_username with the token alone THEN Cognito refuses
    // it too: the email changes only through POST /auth/me/email, with a fresh proof
    for (name, value) in [("email", "attacker@example.com"), ("preferred_username", "admin")] {
        let changed =
            sdk().update_user_attributes().access_token(&token).user_attributes(attribute(name, value)).send().await;
        assert!(changed.is_err(), "{name}: {changed:?}");
    }
    let me = api.get("/auth/me", Some(&token)).await;
    assert_eq!(me.body["attributes"]["email"], format!("{username}@example.com"));
    assert_eq!(me.body["attributes"]["email_verified"], "true");
}

/// The example route (and the `Verified` extractor behind it) takes ID tokens only.
#[tokio::test]
async fn the_example_route_answers_the_callers_claims_for_an_id_token() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let login = api.post("/auth/login", json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}), None).await;
    let (id, access) =
        (login.body["tokens"]["idToken"].as_str().unwrap(), login.body["tokens"]["accessToken"].as_str().unwrap());
    let claims = api.get("/auth/example/claims", Some(id)).await;
    assert_eq!(claims.status, 200, "{claims:?}");
    assert_eq!(claims.body["cognito:username"], ADMIN_USERNAME);
    assert_eq!(claims.body["cognito:groups"], json!(["admin"]));
    assert_eq!(claims.body["email"], "admin@example.com");
    // The access token where the ID token belongs: told so, in a title and detail that agree
    let wrong = api.get("/auth/example/claims", Some(access)).await;
    wrong.assert_problem(401, "WRONG_TOKEN_TYPE");
    assert!(wrong.body["detail"].as_str().unwrap().contains("`tokens.idToken`"), "{wrong:?}");
    api.get("/auth/example/claims", None).await.assert_problem(401, "UNAUTHENTICATED");
}

/// An ID token where the access token belongs, on a route Cognito checks the token
/// for (GetUser): told which token to send, as on the routes that verify it here.
#[tokio::test]
async fn an_id_token_on_an_access_token_route_is_told_to_send_the_access_token() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let login = api.post("/auth/login", json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}), None).await;
    let id = login.body["tokens"]["idToken"].as_str().unwrap();
    for path in ["/auth/me", "/auth/me/mfa", "/auth/me/devices"] {
        let wrong = api.get(path, Some(id)).await;
        wrong.assert_problem(401, "WRONG_TOKEN_TYPE");
        assert!(wrong.body["detail"].as_str().unwrap().contains("`tokens.accessToken`"), "{path}: {wrong:?}");
        assert_eq!(wrong.header("www-authenticate"), Some(r#"Bearer error="invalid_token""#), "{path}");
    }
}
