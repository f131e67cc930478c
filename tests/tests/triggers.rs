//! The project's triggers (crates/triggers), called by the local Cognito as
//! Cognito calls Lambda, proved through the whole API: a refused domain, an
//! invited user who still confirms by code, the default group, the role claim;
//! a user migrated from the old store at sign-in or reset who then lives in the
//! pool, and every message written from the templates in the user's language.

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use base64::Engine;
use integration_tests::*;
use serde_json::{json, Value};

/// A pool that allows sign-up and runs the project's triggers with these rules.
async fn pool_with_triggers(allowed: &str, invited: &str) -> (Pool, TestApi) {
    pool_with(allowed, invited, None).await
}

/// The same, with user migration asking the legacy store in `legacy_file`.
async fn pool_with(allowed: &str, invited: &str, legacy_file: Option<&std::path::Path>) -> (Pool, TestApi) {
    let legacy_file = legacy_file.map(|path| path.display().to_string());
    let settings = triggers::settings::Settings::from_lookup(|name| match name {
        "ALLOWED_EMAIL_DOMAINS" => Some(allowed.to_owned()),
        "INVITED_EMAIL_DOMAINS" => Some(invited.to_owned()),
        "DEFAULT_GROUP" => Some("members".to_owned()),
        "LEGACY_USERS_FILE" => legacy_file.clone(),
        _ => None,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let functions = triggers::local::router(settings, sdk());
    tokio::spawn(async move { axum::serve(listener, functions).await });
    let at = |function| format!("{base}{}", triggers::local::path(function));
    let pool = create_pool(PoolOptions {
        allow_sign_up: true,
        pool: Some(json!({"LambdaConfig": {
            "PreSignUp": at("pre-sign-up"),
            "PostConfirmation": at("post-confirmation"),
            "PreTokenGeneration": at("pre-token-generation"),
            "UserMigration": at("user-migration"),
            "CustomMessage": at("custom-message"),
        }})),
        groups: vec!["members"],
        ..Default::default()
    })
    .await;
    // An administrator may set the invited user's language.
    let mut config = config_for(&pool);
    config.insert("CREATE_USER_ATTRIBUTES", format!("{},locale", auth_api::config::DEFAULT_CREATE_USER_ATTRIBUTES));
    let api = TestApi::start_with(config).await;
    (pool, api)
}

fn unique(name: &str) -> String {
    format!("{name}-{}", uuid::Uuid::new_v4())
}

async fn id_claims(api: &TestApi, username: &str, password: &str) -> Value {
    let login = api.post("/auth/login", json!({"username": username, "password": password}), None).await;
    assert_eq!(login.status, 200, "{login:?}");
    let payload = login.body["tokens"]["idToken"].as_str().unwrap().split('.').nth(1).unwrap().to_owned();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn a_domain_the_rule_refuses_gets_the_rules_message_and_no_account() {
    // GIVEN sign-up open to example.com only
    let (pool, api) = pool_with_triggers("example.com", "").await;
    let username = unique("ted");
    // WHEN someone at another domain signs up
    let answer = api
        .post("/auth/signup", json!({"username": username, "email": "ted@elsewhere.net", "password": PASSWORD}), None)
        .await;
    // THEN the rule's sentence, once, and no account
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["detail"], "Sign-up is open to addresses at example.com only.");
    let lookup = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await;
    assert!(lookup.is_err(), "no user was created");
}

#[tokio::test]
async fn the_rule_runs_for_users_an_administrator_creates_too() {
    let (_, api) = pool_with_triggers("example.com", "").await;
    let admin = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let body = json!({"email": "eve@elsewhere.net", "username": unique("eve"), "sendInvitation": false, "temporaryPassword": "Temp-Passw0rd-1"});
    let answer = api.post("/auth/users", body, Some(&admin)).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["detail"], "Sign-up is open to addresses at example.com only.");
}

#[tokio::test]
async fn an_invited_domain_signs_up_outside_the_allowed_list_and_still_confirms_by_code() {
    // GIVEN sign-up open to example.com, and partner.example invited
    let (pool, api) = pool_with_triggers("example.com", "partner.example").await;
    let username = unique("pia");
    // WHEN someone types an address at the invited domain
    let answer = api
        .post("/auth/signup", json!({"username": username, "email": "pia@partner.example", "password": PASSWORD}), None)
        .await;
    // THEN the account waits for the emailed code, like any other
    assert_eq!(answer.status, 201, "{answer:?}");
    assert_eq!(answer.body["userConfirmed"], false);
    assert_eq!(answer.body["codeDelivery"]["deliveryMedium"], "EMAIL");
    let code = outbox_code(&username, "sign_up").await;
    let early = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    early.assert_problem(401, "INVALID_CREDENTIALS");
    let user = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    let verified = user.user_attributes().iter().find(|a| a.name() == "email_verified").and_then(|a| a.value());
    assert_ne!(verified, Some("true"), "no verified email before the code");
    // AND only the code confirms and verifies the address
    let confirmed = api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(id_claims(&api, &username, PASSWORD).await["email_verified"], true);
}

#[tokio::test]
async fn straight_at_cognito_an_email_shaped_username_with_another_email_is_refused() {
    // GIVEN an attacker who calls Cognito's public SignUp with the client id, around the API
    let (pool, _) = pool_with_triggers("", "").await;
    let answer = sdk()
        .sign_up()
        .client_id(&pool.client_id)
        .username("ceo@example.com")
        .password(PASSWORD)
        .user_attributes(attribute("email", "eve@attacker.example"))
        .send()
        .await;
    // THEN the pre sign-up rule refuses it
    let error = answer.expect_err("refused");
    assert_eq!(error.code(), Some("UserLambdaValidationException"), "{error:?}");
    let lookup = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username("ceo@example.com").send().await;
    assert!(lookup.is_err(), "no user was created");
}

#[tokio::test]
async fn a_confirmed_sign_up_joins_the_default_group_and_tokens_carry_the_role() {
    // GIVEN a user who signed up and confirmed with the emailed code
    let (pool, api) = pool_with_triggers("", "").await;
    let username = unique("raf");
    let signed_up = api
        .post("/auth/signup", json!({"username": username, "email": "raf@example.com", "password": PASSWORD}), None)
        .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    let code = outbox_code(&username, "sign_up").await;
    let confirmed = api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    // THEN post confirmation put them in the default group
    let groups =
        sdk().admin_list_groups_for_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    assert_eq!(groups.groups().iter().filter_map(|g| g.group_name()).collect::<Vec<_>>(), ["members"]);
    // AND pre token generation named their role, and the administrator's
    let member = id_claims(&api, &username, PASSWORD).await;
    assert_eq!((&member["app_role"], &member["cognito:groups"]), (&json!("member"), &json!(["members"])));
    let admin = id_claims(&api, ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!((&admin["app_role"], &admin["cognito:groups"]), (&json!("admin"), &json!(["admin"])));
}

const OLD_PASSWORD: &str = "Legacy-Passw0rd-2019";

/// An old store (the example store's file format) holding `username`, with a
/// verified email or not, and where this test can find it.
fn legacy_store(username: &str, email_verified: bool) -> std::path::PathBuf {
    let hash = triggers::legacy::hash_password(OLD_PASSWORD, "dGVzdHNhbHR0ZXN0c2FsdA").unwrap();
    let file = json!({"users": [{
        "username": username,
        "passwordHash": hash,
        "attributes": {"email": format!("{username}@example.com"), "locale": "ja", "custom:plan": "gold"},
        "emailVerified": email_verified,
    }]});
    let path = std::env::temp_dir().join(format!("{username}.json"));
    std::fs::write(&path, file.to_string()).unwrap();
    path
}

#[tokio::test]
async fn a_migrated_user_signs_in_with_their_old_password_and_then_lives_in_the_pool() {
    // GIVEN a user only the old store knows
    let username = unique("kenji");
    let (pool, api) = pool_with("", "", Some(&legacy_store(&username, true))).await;
    // WHEN they log in with their old password
    let login = api.post("/auth/login", json!({"username": username, "password": OLD_PASSWORD}), None).await;
    // THEN tokens, and a user in the pool with the store's attributes (only the allowed ones)
    assert_eq!(login.status, 200, "{login:?}");
    let user = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    assert_eq!(user.user_status().map(|s| s.as_str()), Some("CONFIRMED"));
    let attributes: std::collections::BTreeMap<_, _> = user
        .user_attributes()
        .iter()
        .map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(attributes["email_verified"], "true", "the old store had verified it");
    assert_eq!(attributes["locale"], "ja");
    assert!(!attributes.contains_key("custom:plan"), "nothing the rule does not bring over");
    // AND they live in the pool: a new password works, the old one is gone
    let token = login.body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    let changed = api
        .post("/auth/password/change", json!({"currentPassword": OLD_PASSWORD, "newPassword": PASSWORD}), Some(&token))
        .await;
    assert!(changed.status < 300, "{changed:?}");
    let old = api.post("/auth/login", json!({"username": username, "password": OLD_PASSWORD}), None).await;
    old.assert_problem(401, "INVALID_CREDENTIALS");
    id_claims(&api, &username, PASSWORD).await;
}

#[tokio::test]
async fn a_wrong_old_password_and_a_stranger_get_the_answer_any_wrong_password_gets() {
    let username = unique("kenji");
    let (pool, api) = pool_with("", "", Some(&legacy_store(&username, true))).await;
    let pool_user = confirmed_user(&pool, &[]).await;
    let login = |username: String, password: &'static str| {
        let api = &api;
        async move { api.post("/auth/login", json!({"username": username, "password": password}), None).await }
    };
    let wrong_old = login(username.clone(), "Not-The-Passw0rd").await;
    let stranger = login(unique("nobody"), OLD_PASSWORD).await;
    let wrong_in_pool = login(pool_user, "Not-The-Passw0rd").await;
    wrong_old.assert_problem(401, "INVALID_CREDENTIALS");
    assert_eq!(seen(&wrong_old), seen(&stranger));
    assert_eq!(seen(&wrong_old), seen(&wrong_in_pool));
    let lookup = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await;
    assert!(lookup.is_err(), "a wrong password migrates nobody");
}

#[tokio::test]
async fn a_forgotten_password_migrates_a_user_the_code_can_reach_and_answers_everyone_alike() {
    let reachable = unique("kenji");
    let (pool, api) = pool_with("", "", Some(&legacy_store(&reachable, true))).await;
    // WHEN the old store's user, a stranger, and (below) an unverified old user ask for a reset
    let asked = api.post("/auth/password/forgot", json!({"username": reachable}), None).await;
    let stranger = api.post("/auth/password/forgot", json!({"username": unique("nobody")}), None).await;
    // THEN one answer; only the real user gets a code, in Japanese (their locale)
    assert_eq!(asked.status, 202, "{asked:?}");
    assert_eq!(seen(&asked), seen(&stranger));
    let message = outbox().await.into_iter().rev().find(|m| m["username"] == reachable.as_str()).expect("a reset code");
    assert_eq!(message["subject"], "パスワードの再設定");
    let code = message["code"].as_str().unwrap();
    assert!(message["text"].as_str().unwrap().contains(&format!("パスワード再設定コードは {code} です")));
    // AND the reset makes them a user of the pool with the new password
    let reset = api
        .post("/auth/password/reset", json!({"username": reachable, "code": code, "newPassword": PASSWORD}), None)
        .await;
    assert_eq!(reset.status, 204, "{reset:?}");
    id_claims(&api, &reachable, PASSWORD).await;
    let _ = pool;
}

#[tokio::test]
async fn an_old_user_without_a_verified_address_is_not_moved_by_a_reset_anyone_can_ask_for() {
    let unverified = unique("mary");
    let (pool, api) = pool_with("", "", Some(&legacy_store(&unverified, false))).await;
    let asked = api.post("/auth/password/forgot", json!({"username": unverified}), None).await;
    assert_eq!(asked.status, 202, "{asked:?}");
    let lookup = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&unverified).send().await;
    assert!(lookup.is_err(), "no RESET_REQUIRED user nobody could ever reset");
    // AND their old password still brings them over
    let login = api.post("/auth/login", json!({"username": unverified, "password": OLD_PASSWORD}), None).await;
    assert_eq!(login.status, 200, "{login:?}");
}

/// An old store holding `username` with `email` (verified).
fn legacy_store_with_email(username: &str, email: &str) -> std::path::PathBuf {
    let hash = triggers::legacy::hash_password(OLD_PASSWORD, "dGVzdHNhbHR0ZXN0c2FsdA").unwrap();
    let file = json!({"users": [{
        "username": username, "passwordHash": hash, "attributes": {"email": email}, "emailVerified": true,
    }]});
    let path = std::env::temp_dir().join(format!("{username}.json"));
    std::fs::write(&path, file.to_string()).unwrap();
    path
}

async fn login(api: &TestApi, username: &str, password: &str) -> Answer {
    api.post("/auth/login", json!({"username": username, "password": password}), None).await
}

async fn in_pool(pool: &Pool, username: &str) -> bool {
    sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(username).send().await.is_ok()
}

/// The attack (review finding 1): a migrated user whose old password leaked changes it,
/// then deletes the account; whoever holds the leaked password signs in, the pool lacks
/// the user, and the trigger would bring back a confirmed, verified account. A user is
/// migrated once: after that the old store answers as for a stranger.
#[tokio::test]
async fn a_migrated_user_who_changed_the_password_and_deleted_the_account_stays_deleted() {
    let username = unique("kenji");
    let (pool, api) = pool_with("", "", Some(&legacy_store(&username, true))).await;
    // GIVEN a migrated user who changed the password, then deleted the account themself
    let first = login(&api, &username, OLD_PASSWORD).await;
    assert_eq!(first.status, 200, "{first:?}");
    let token = first.body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    let change = json!({"currentPassword": OLD_PASSWORD, "newPassword": PASSWORD});
    let changed = api.post("/auth/password/change", change, Some(&token)).await;
    assert!(changed.status < 300, "{changed:?}");
    let token = api.access_token(&username, PASSWORD).await;
    let body = json!({"reauthentication": {"currentPassword": PASSWORD}});
    let deleted =
        api.send("DELETE", "/auth/me", Some(("application/json", body.to_string().into_bytes())), Some(&token)).await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
    // WHEN anyone signs in with the old (leaked) password, or asks for a reset
    let resurrection = login(&api, &username, OLD_PASSWORD).await;
    let reset = api.post("/auth/password/forgot", json!({"username": username}), None).await;
    let stranger = api.post("/auth/password/forgot", json!({"username": unique("nobody")}), None).await;
    // THEN the answers anyone gets for a name nobody has, and no account comes back
    let nobody = login(&api, &unique("nobody"), OLD_PASSWORD).await;
    resurrection.assert_problem(401, "INVALID_CREDENTIALS");
    assert_eq!(seen(&resurrection), seen(&nobody));
    assert_eq!(seen(&reset), seen(&stranger));
    assert!(!in_pool(&pool, &username).await, "the deleted account stays deleted");
}

/// The same after an administrator's deletion (DELETE /auth/users/{username}): an
/// account closed for cause does not come back with the old store's password.
#[tokio::test]
async fn an_account_an_administrator_deleted_does_not_come_back_with_the_old_password() {
    let username = unique("kenji");
    let (pool, api) = pool_with("", "", Some(&legacy_store(&username, true))).await;
    assert_eq!(login(&api, &username, OLD_PASSWORD).await.status, 200);
    let admin = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let deleted = api.send("DELETE", &format!("/auth/users/{username}"), None, Some(&admin)).await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
    login(&api, &username, OLD_PASSWORD).await.assert_problem(401, "INVALID_CREDENTIALS");
    assert!(!in_pool(&pool, &username).await);
}

/// A user brought over by a reset is migrated too: once deleted, neither a new reset
/// nor the old password brings them back.
#[tokio::test]
async fn a_user_migrated_by_a_reset_is_migrated_once_as_well() {
    let username = unique("kenji");
    let (pool, api) = pool_with("", "", Some(&legacy_store(&username, true))).await;
    let asked = api.post("/auth/password/forgot", json!({"username": username}), None).await;
    assert_eq!(asked.status, 202, "{asked:?}");
    assert!(in_pool(&pool, &username).await, "migrated as RESET_REQUIRED");
    sdk().admin_delete_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    let again = api.post("/auth/password/forgot", json!({"username": username}), None).await;
    assert_eq!(again.status, 202, "{again:?}");
    login(&api, &username, OLD_PASSWORD).await.assert_problem(401, "INVALID_CREDENTIALS");
    assert!(!in_pool(&pool, &username).await);
}

/// Review finding 5: a migration is a sign-up the old store vouched for, so the sign-up
/// rules hold: a domain the pool does not let in stays out (answered as a wrong password).
#[tokio::test]
async fn a_migrated_user_meets_the_sign_up_rules() {
    let username = unique("kenji");
    let (pool, api) = pool_with("example.org", "", Some(&legacy_store(&username, true))).await;
    let refused = login(&api, &username, OLD_PASSWORD).await;
    let nobody = login(&api, &unique("nobody"), OLD_PASSWORD).await;
    refused.assert_problem(401, "INVALID_CREDENTIALS");
    assert_eq!(seen(&refused), seen(&nobody));
    assert!(!in_pool(&pool, &username).await);
    // AND an email-shaped username must be the user's own address
    let impostor = format!("{}@example.com", unique("ceo"));
    let (pool, api) = pool_with("", "", Some(&legacy_store_with_email(&impostor, "eve@example.com"))).await;
    login(&api, &impostor, OLD_PASSWORD).await.assert_problem(401, "INVALID_CREDENTIALS");
    assert!(!in_pool(&pool, &impostor).await);
}

/// Review finding 5: the old store's word that a user holds an address does not beat
/// the pool's own user who holds it: the address comes over unverified.
#[tokio::test]
async fn an_address_a_pool_user_holds_comes_over_unverified() {
    // GIVEN an old user whose store says they verified an address a pool user holds
    let (username, email) = (unique("kenji"), format!("{}@example.com", unique("shared")));
    let (pool, api) = pool_with("", "", Some(&legacy_store_with_email(&username, &email))).await;
    let holder = unique("holder");
    sdk()
        .admin_create_user()
        .user_pool_id(&pool.user_pool_id)
        .username(&holder)
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .user_attributes(attribute("email", &email))
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .unwrap();
    sdk()
        .admin_set_user_password()
        .user_pool_id(&pool.user_pool_id)
        .username(&holder)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    // WHEN the old user signs in THEN they come over, their address unverified
    let signed_in = login(&api, &username, OLD_PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let user = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    let verified = user.user_attributes().iter().find(|a| a.name() == "email_verified").and_then(|a| a.value());
    assert_ne!(verified, Some("true"), "the store's word does not verify another user's address");
}

/// Review finding 2(c): only a name the pool lacks runs the migration trigger, so its
/// fault (it timed out, was throttled, answered garbage) must answer as a wrong password.
#[tokio::test]
async fn a_faulty_migration_trigger_answers_as_a_wrong_password() {
    // A port nothing listens on (UnexpectedLambdaException), and a function answering
    // something that is not JSON (InvalidLambdaResponseException).
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let garbage = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let app = axum::Router::new().fallback(|| async { "not json" });
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    };
    for url in [closed, garbage] {
        let pool = create_pool(PoolOptions {
            pool: Some(json!({"LambdaConfig": {"UserMigration": url}})),
            ..Default::default()
        })
        .await;
        let api = TestApi::start(&pool).await;
        let member = confirmed_user(&pool, &[]).await;
        let stranger = login(&api, &unique("nobody"), OLD_PASSWORD).await;
        let wrong = login(&api, &member, "Not-The-Passw0rd").await;
        stranger.assert_problem(401, "INVALID_CREDENTIALS");
        assert_eq!(seen(&stranger), seen(&wrong), "{url}");
    }
}

/// Only a real user's code runs the custom-message trigger: its fault at the routes that
/// answer every username alike (here a reset code; a sign-up code sent again shares the
/// answer, signup::sent_alike) must answer as a stranger's does, or a failing (or
/// throttled) trigger would tell who exists.
#[tokio::test]
async fn a_faulty_custom_message_trigger_answers_codes_as_for_a_stranger() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let pool = create_pool(PoolOptions {
        allow_sign_up: true,
        pool: Some(json!({"LambdaConfig": {"CustomMessage": closed}})),
        ..Default::default()
    })
    .await;
    let api = TestApi::start(&pool).await;
    let member = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &member).await;
    let real = api.post("/auth/password/forgot", json!({"username": member}), None).await;
    let stranger = api.post("/auth/password/forgot", json!({"username": unique("nobody")}), None).await;
    assert_eq!(stranger.status, 202, "{stranger:?}");
    assert_eq!(seen(&real), seen(&stranger));
}

#[tokio::test]
async fn a_japanese_invitation_is_in_the_outbox() {
    let (_, api) = pool_with_triggers("", "").await;
    let admin = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let username = unique("yuki");
    let body = json!({
        "email": "yuki@example.com", "username": username,
        "temporaryPassword": "Temp-Passw0rd-1", "attributes": {"locale": "ja-JP"},
    });
    let created = api.post("/auth/users", body, Some(&admin)).await;
    assert_eq!(created.status, 201, "{created:?}");
    let message = outbox().await.into_iter().rev().find(|m| m["username"] == username.as_str()).expect("an invitation");
    assert_eq!(message["kind"], "invitation");
    assert_eq!(message["subject"], "アカウントへのご招待");
    let text = message["text"].as_str().unwrap();
    assert!(text.contains(&format!("ユーザー名: {username}")), "{text}");
    assert!(text.contains("仮パスワード: Temp-Passw0rd-1"), "{text}");
}

#[tokio::test]
async fn a_user_without_a_locale_gets_english_and_the_code_is_the_one_to_confirm_with() {
    let (_, api) = pool_with_triggers("", "").await;
    let username = unique("ana");
    let signed_up = api
        .post("/auth/signup", json!({"username": username, "email": "ana@example.com", "password": PASSWORD}), None)
        .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    let message = outbox().await.into_iter().rev().find(|m| m["username"] == username.as_str()).expect("a code");
    assert_eq!(message["subject"], "Confirm your account");
    let code = message["code"].as_str().unwrap();
    assert!(message["text"].as_str().unwrap().contains(&format!("Your confirmation code is {code}.")));
    let confirmed = api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
}
