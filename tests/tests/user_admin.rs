//! The administrators' user directory, end to end through the real router, SDK and
//! local Cognito: search and its cursor, one user, groups, disable, enable, sign-out,
//! password reset, delete, group membership; a non-admin refused before any lookup;
//! filter injection and cursor tampering refused; an admin cannot lock themself out.

use integration_tests::*;
use serde_json::{json, Value};

async fn admin_api() -> (Pool, TestApi, String) {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    (pool, api, token)
}

async fn login(api: &TestApi, username: &str, password: &str) -> Answer {
    api.post("/auth/login", json!({"username": username, "password": password}), None).await
}

/// A signed-in user's tokens: (access, refresh).
async fn signed_in(api: &TestApi, username: &str) -> (String, String) {
    let answer = login(api, username, PASSWORD).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let tokens = &answer.body["tokens"];
    (tokens["accessToken"].as_str().unwrap().to_owned(), tokens["refreshToken"].as_str().unwrap().to_owned())
}

/// Their access token refused by /auth/me, their refresh token by /auth/refresh.
async fn assert_tokens_dead(api: &TestApi, (access, refresh): &(String, String)) {
    api.get("/auth/me", Some(access)).await.assert_problem(401, "UNAUTHENTICATED");
    api.post("/auth/refresh", json!({"refreshToken": refresh}), None)
        .await
        .assert_problem(401, "INVALID_REFRESH_TOKEN");
}

fn usernames(page: &Answer) -> Vec<String> {
    assert_eq!(page.status, 200, "{page:?}");
    page.body["users"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_owned()).collect()
}

fn encode(value: &str) -> String {
    value.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Every route, for a given username, with the method and body it takes.
fn every_route(username: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GET", "/auth/users".into()),
        ("GET", format!("/auth/users?username={username}")),
        ("GET", "/auth/groups".into()),
        ("GET", format!("/auth/users/{username}")),
        ("DELETE", format!("/auth/users/{username}")),
        ("POST", format!("/auth/users/{username}/disable")),
        ("POST", format!("/auth/users/{username}/enable")),
        ("POST", format!("/auth/users/{username}/sign-out")),
        ("POST", format!("/auth/users/{username}/password-reset")),
        ("PUT", format!("/auth/users/{username}/groups/admin")),
        ("DELETE", format!("/auth/users/{username}/groups/admin")),
    ]
}

#[tokio::test]
async fn a_non_admin_is_refused_the_same_way_for_real_and_unknown_users_and_changes_nothing() {
    let (pool, api, _) = admin_api().await;
    let user = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&user, PASSWORD).await;
    let before = pool_snapshot(&pool).await;
    for target in [ADMIN_USERNAME, user.as_str(), "nobody-at-all"] {
        for (method, path) in every_route(target) {
            let answer = api.send(method, &path, None, Some(&token)).await;
            answer.assert_problem(403, "FORBIDDEN");
            assert_eq!(answer.body["detail"], "only members of the admin group may do this", "{method} {path}");
        }
    }
    // Not even a malformed request tells them more: the admin check comes first.
    api.get("/auth/users?username=%22", Some(&token)).await.assert_problem(403, "FORBIDDEN");
    assert_eq!(pool_snapshot(&pool).await, before);
    // And without a token, 401.
    for (method, path) in every_route(&user) {
        api.send(method, &path, None, None).await.assert_problem(401, "UNAUTHENTICATED");
    }
    // The user is still signed in: nothing was done to them.
    api.get("/auth/me", Some(&token)).await;
    assert_eq!(api.get("/auth/me", Some(&token)).await.status, 200);
}

#[tokio::test]
async fn search_pages_through_more_users_than_one_page_once_each() {
    let (pool, api, token) = admin_api().await;
    let prefix = format!("page-{}-", &uuid::Uuid::new_v4().to_string()[..8]);
    let mut created = Vec::new();
    for n in 0..61 {
        let username = format!("{prefix}{n:02}");
        sdk()
            .admin_create_user()
            .user_pool_id(&pool.user_pool_id)
            .username(&username)
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
        created.push(username);
    }
    let first = api.get(&format!("/auth/users?username={prefix}&limit=60"), Some(&token)).await;
    let mut seen = usernames(&first);
    assert_eq!(seen.len(), 60);
    let cursor = first.body["cursor"].as_str().expect("a cursor after a full page").to_owned();
    let second = api.get(&format!("/auth/users?username={prefix}&limit=60&cursor={cursor}"), Some(&token)).await;
    seen.extend(usernames(&second));
    assert!(second.body.get("cursor").is_none(), "the last page has no cursor: {second:?}");
    seen.sort();
    assert_eq!(seen, created);
    // Without a search, the admin is listed too; the default page is 20.
    let all = api.get("/auth/users", Some(&token)).await;
    assert_eq!(usernames(&all).len(), 20);
    // Limit beyond Cognito's 60 is refused, not clipped.
    api.get("/auth/users?limit=61", Some(&token)).await.assert_problem(400, "VALIDATION_FAILED");
}

#[tokio::test]
async fn a_listed_user_has_exactly_the_summary_fields_and_no_other_attribute() {
    let (pool, api, token) = admin_api().await;
    let user = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &user).await;
    sdk()
        .admin_update_user_attributes()
        .user_pool_id(&pool.user_pool_id)
        .username(&user)
        .user_attributes(attribute("given_name", "Jane"))
        .send()
        .await
        .unwrap();
    let page = api.get(&format!("/auth/users?email={user}%40example.com"), Some(&token)).await;
    assert_eq!(usernames(&page), std::slice::from_ref(&user));
    let listed = page.body["users"][0].as_object().unwrap();
    let keys: Vec<&str> = listed.keys().map(String::as_str).collect();
    assert_eq!(
        keys.iter().copied().collect::<std::collections::BTreeSet<_>>(),
        ["createdAt", "email", "emailVerified", "enabled", "modifiedAt", "status", "sub", "username"].into()
    );
    assert_eq!(listed["status"], "CONFIRMED");
    assert_eq!(listed["enabled"], true);
    assert_eq!(listed["emailVerified"], true);
    // By status and by enabled, each one filter.
    let confirmed = usernames(&api.get("/auth/users?status=CONFIRMED&limit=60", Some(&token)).await);
    assert!(confirmed.contains(&user) && confirmed.contains(&ADMIN_USERNAME.to_owned()), "{confirmed:?}");
    sdk().admin_disable_user().user_pool_id(&pool.user_pool_id).username(&user).send().await.unwrap();
    assert_eq!(usernames(&api.get("/auth/users?enabled=false", Some(&token)).await), [user]);
}

#[tokio::test]
async fn no_search_value_can_change_the_filter() {
    let (pool, api, token) = admin_api().await;
    let user = confirmed_user(&pool, &[]).await;
    let before = pool_snapshot(&pool).await;
    for (name, value) in [
        ("username", format!("{user}\" or username ^= \"")),
        ("username", "\"".to_owned()),
        ("username", "a\\".to_owned()),
        ("username", "a\\\"".to_owned()),
        ("email", "\" ^= \"".to_owned()),
        ("email", "a\nb".to_owned()),
        ("username", "x".repeat(129)),
    ] {
        let answer = api.get(&format!("/auth/users?{name}={}", encode(&value)), Some(&token)).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], name, "{value:?}");
    }
    for query in [
        "username=a&email=b",
        "username=a&username=b",
        "filter=username%20%5E%3D%20%22a%22",
        "status=CONFIRMED%22",
        "enabled=yes",
        "limit=0",
    ] {
        api.get(&format!("/auth/users?{query}"), Some(&token)).await.assert_problem(400, "VALIDATION_FAILED");
    }
    assert_eq!(pool_snapshot(&pool).await, before);
}

#[tokio::test]
async fn a_cursor_works_only_with_its_own_search_and_unaltered() {
    let (pool, api, token) = admin_api().await;
    for _ in 0..3 {
        confirmed_user(&pool, &[]).await;
    }
    let first = api.get("/auth/users?username=user-&limit=1", Some(&token)).await;
    let cursor = first.body["cursor"].as_str().expect("a cursor").to_owned();
    assert_eq!(api.get(&format!("/auth/users?username=user-&limit=1&cursor={cursor}"), Some(&token)).await.status, 200);
    // Another search, or none: refused before Cognito is asked.
    for query in ["username=admin", "email=user-", "status=CONFIRMED", ""] {
        let answer = api.get(&format!("/auth/users?{query}&cursor={cursor}"), Some(&token)).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], "cursor");
    }
    // Altered anywhere: the binding, or the token inside it (Cognito's own check).
    use base64::Engine;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let bytes = engine.decode(&cursor).unwrap();
    for at in [0, 5, bytes.len() - 1] {
        let mut altered = bytes.clone();
        altered[at] ^= 0x01;
        let answer =
            api.get(&format!("/auth/users?username=user-&cursor={}", engine.encode(altered)), Some(&token)).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], "cursor", "byte {at}");
    }
    for garbage in ["x", "%20", "AAAA"] {
        let answer = api.get(&format!("/auth/users?username=user-&cursor={garbage}"), Some(&token)).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
    }
}

#[tokio::test]
async fn one_user_comes_with_groups_mfa_and_devices() {
    let (pool, api, token) = admin_api().await;
    sdk().create_group().user_pool_id(&pool.user_pool_id).group_name("support").send().await.unwrap();
    let user = confirmed_user(&pool, &["support"]).await;
    let answer = api.get(&format!("/auth/users/{user}"), Some(&token)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["username"], user.as_str());
    assert_eq!(answer.body["groups"], json!(["support"]));
    assert_eq!(answer.body["mfa"], json!({"factors": [], "preferred": null}));
    assert_eq!(answer.body["devices"], json!([]));
    assert!(answer.body["sub"].as_str().is_some_and(|s| !s.is_empty()));
    // Nothing beyond the documented fields (no attribute list, nothing secret).
    let keys: std::collections::BTreeSet<&str> = answer.body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "createdAt",
            "devices",
            "email",
            "emailVerified",
            "enabled",
            "groups",
            "mfa",
            "modifiedAt",
            "status",
            "sub",
            "username"
        ]
        .into()
    );
    api.get("/auth/users/nobody-at-all", Some(&token)).await.assert_problem(404, "NOT_FOUND");
    let groups = api.get("/auth/groups", Some(&token)).await;
    let names: Vec<&str> =
        groups.body["groups"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"admin") && names.contains(&"support"), "{groups:?}");
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_and_their_tokens_are_refused_even_after_enabling() {
    let (pool, api, token) = admin_api().await;
    let user = confirmed_user(&pool, &[]).await;
    let tokens = signed_in(&api, &user).await;
    let answer = api.post(&format!("/auth/users/{user}/disable"), json!({}), Some(&token)).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    login(&api, &user, PASSWORD).await.assert_problem(401, "INVALID_CREDENTIALS");
    assert_tokens_dead(&api, &tokens).await;
    assert_eq!(api.get(&format!("/auth/users/{user}"), Some(&token)).await.body["enabled"], false);
    // Enabled again: a new sign-in works, the old tokens stay dead.
    let answer = api.post(&format!("/auth/users/{user}/enable"), json!({}), Some(&token)).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    assert_tokens_dead(&api, &tokens).await;
    signed_in(&api, &user).await;
}

#[tokio::test]
async fn a_deleted_user_is_gone_from_search_and_their_tokens_are_refused() {
    let (pool, api, token) = admin_api().await;
    let user = confirmed_user(&pool, &[]).await;
    let tokens = signed_in(&api, &user).await;
    assert_eq!(
        usernames(&api.get(&format!("/auth/users?username={user}"), Some(&token)).await),
        std::slice::from_ref(&user)
    );
    let answer = api.send("DELETE", &format!("/auth/users/{user}"), None, Some(&token)).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    assert!(usernames(&api.get(&format!("/auth/users?username={user}"), Some(&token)).await).is_empty());
    api.get(&format!("/auth/users/{user}"), Some(&token)).await.assert_problem(404, "NOT_FOUND");
    api.send("DELETE", &format!("/auth/users/{user}"), None, Some(&token)).await.assert_problem(404, "NOT_FOUND");
    login(&api, &user, PASSWORD).await.assert_problem(401, "INVALID_CREDENTIALS");
    assert_tokens_dead(&api, &tokens).await;
}

#[tokio::test]
async fn signing_a_user_out_ends_every_session_they_have() {
    let (pool, api, token) = admin_api().await;
    let user = confirmed_user(&pool, &[]).await;
    let (phone, laptop) = (signed_in(&api, &user).await, signed_in(&api, &user).await);
    let answer = api.post(&format!("/auth/users/{user}/sign-out"), json!({}), Some(&token)).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    assert_tokens_dead(&api, &phone).await;
    assert_tokens_dead(&api, &laptop).await;
    signed_in(&api, &user).await;
}

#[tokio::test]
async fn a_password_reset_mails_a_code_signs_the_user_out_and_requires_the_reset() {
    let (pool, api, token) = admin_api().await;
    let user = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &user).await;
    let tokens = signed_in(&api, &user).await;
    let answer = api.post(&format!("/auth/users/{user}/password-reset"), json!({}), Some(&token)).await;
    assert_eq!(answer.status, 202, "{answer:?}");
    assert_eq!(api.get(&format!("/auth/users/{user}"), Some(&token)).await.body["status"], "RESET_REQUIRED");
    assert_eq!(
        usernames(&api.get("/auth/users?status=reset_required", Some(&token)).await),
        std::slice::from_ref(&user)
    );
    assert_tokens_dead(&api, &tokens).await;
    login(&api, &user, PASSWORD).await.assert_problem(403, "PASSWORD_RESET_REQUIRED");
    let code = outbox_code(&user, "forgot_password").await;
    let reset = api
        .post("/auth/password/reset", json!({"username": user, "code": code, "newPassword": "Reset-Passw0rd-1"}), None)
        .await;
    assert_eq!(reset.status, 204, "{reset:?}");
    api.access_token(&user, "Reset-Passw0rd-1").await;
    // Someone who never chose a password, or has nowhere to get the code: 409.
    let invited = user_with_temporary_password(&pool, Some("invited@example.com")).await;
    let answer = api.post(&format!("/auth/users/{invited}/password-reset"), json!({}), Some(&token)).await;
    answer.assert_problem(409, "INVALID_USER_STATE");
    let unverified = confirmed_user(&pool, &[]).await;
    let answer = api.post(&format!("/auth/users/{unverified}/password-reset"), json!({}), Some(&token)).await;
    answer.assert_problem(409, "INVALID_USER_STATE");
}

#[tokio::test]
async fn an_admin_cannot_lock_themself_out_but_another_admin_can() {
    let (pool, api, token) = admin_api().await;
    let before = pool_snapshot(&pool).await;
    for (method, path) in [
        ("POST", format!("/auth/users/{ADMIN_USERNAME}/disable")),
        ("POST", format!("/auth/users/{ADMIN_USERNAME}/sign-out")),
        ("POST", format!("/auth/users/{ADMIN_USERNAME}/password-reset")),
        ("DELETE", format!("/auth/users/{ADMIN_USERNAME}")),
        ("DELETE", format!("/auth/users/{ADMIN_USERNAME}/groups/admin")),
    ] {
        let answer = api.send(method, &path, None, Some(&token)).await;
        answer.assert_problem(409, "SELF_ADMINISTRATION");
    }
    assert_eq!(pool_snapshot(&pool).await, before);
    assert_eq!(api.get("/auth/me", Some(&token)).await.status, 200, "still signed in");
    // Leaving another group is one's own business.
    sdk().create_group().user_pool_id(&pool.user_pool_id).group_name("support").send().await.unwrap();
    let path = format!("/auth/users/{ADMIN_USERNAME}/groups/support");
    assert_eq!(api.send("PUT", &path, None, Some(&token)).await.status, 204);
    assert_eq!(api.send("DELETE", &path, None, Some(&token)).await.status, 204);
    // A second administrator may demote the first, who is refused from then on.
    let second = confirmed_user(&pool, &["admin"]).await;
    let second_token = api.access_token(&second, PASSWORD).await;
    let answer =
        api.send("DELETE", &format!("/auth/users/{ADMIN_USERNAME}/groups/admin"), None, Some(&second_token)).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    api.get("/auth/users", Some(&token)).await.assert_problem(403, "FORBIDDEN");
    // And the last one left still cannot remove themself.
    let answer = api.send("DELETE", &format!("/auth/users/{second}/groups/admin"), None, Some(&second_token)).await;
    answer.assert_problem(409, "SELF_ADMINISTRATION");
}

#[tokio::test]
async fn group_membership_changes_and_the_admin_check_reads_it_live() {
    let (pool, api, token) = admin_api().await;
    let user = confirmed_user(&pool, &[]).await;
    let user_token = api.access_token(&user, PASSWORD).await;
    api.get("/auth/users", Some(&user_token)).await.assert_problem(403, "FORBIDDEN");
    let path = format!("/auth/users/{user}/groups/admin");
    assert_eq!(api.send("PUT", &path, None, Some(&token)).await.status, 204);
    assert_eq!(api.send("PUT", &path, None, Some(&token)).await.status, 204, "again: nothing changes");
    assert_eq!(api.get(&format!("/auth/users/{user}"), Some(&token)).await.body["groups"], json!(["admin"]));
    // Their new token carries the group, and the live check agrees.
    let promoted = api.access_token(&user, PASSWORD).await;
    assert_eq!(api.get("/auth/users", Some(&promoted)).await.status, 200);
    assert_eq!(api.send("DELETE", &path, None, Some(&token)).await.status, 204);
    // The token still says admin; the live check does not.
    api.get("/auth/users", Some(&promoted)).await.assert_problem(403, "FORBIDDEN");
    assert_eq!(api.get(&format!("/auth/users/{user}"), Some(&token)).await.body["groups"], json!([]));
    let unknown = api.send("PUT", &format!("/auth/users/{user}/groups/no-such-group"), None, Some(&token)).await;
    unknown.assert_problem(404, "NOT_FOUND");
    let nobody = api.send("PUT", "/auth/users/nobody-at-all/groups/admin", None, Some(&token)).await;
    nobody.assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn no_answer_of_these_routes_carries_a_secret() {
    let (pool, api, token) = admin_api().await;
    let user = confirmed_user(&pool, &[]).await;
    let listed = api.get("/auth/users?limit=60", Some(&token)).await;
    let one = api.get(&format!("/auth/users/{user}"), Some(&token)).await;
    for answer in [&listed, &one] {
        let text = answer.body.to_string();
        for secret in [PASSWORD, ADMIN_PASSWORD, token.as_str()] {
            assert!(!text.contains(secret), "{text}");
        }
        let value: &Value = &answer.body;
        assert!(!value.to_string().contains("custom:"), "no developer-only attribute: {value}");
    }
}
