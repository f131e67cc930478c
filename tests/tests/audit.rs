//! The audit trail (docs/audit.md): each security event and administrative action is
//! one JSON line of its kind, with the outcome, who, whom and the request id the
//! answer carries, and nothing secret. Through the real router and local Cognito,
//! with the API logging JSON as in Lambda.

use integration_tests::captured_logs::{captured_logs, CapturedLogs};
use integration_tests::*;
use serde_json::{json, Value};

/// The process's one subscriber, at warn: audit lines are written whatever LOG_LEVEL says.
fn logs() -> &'static CapturedLogs {
    captured_logs("warn")
}

fn all_lines() -> Vec<Value> {
    let text = logs().text();
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not one JSON line: {line}")))
        .collect()
}

/// The audit lines of the request that got `answer` (its x-request-id).
fn audit_lines(answer: &Answer) -> Vec<Value> {
    let id = answer.header("x-request-id").expect("a request id");
    all_lines().into_iter().filter(|line| line["message"] == "audit" && line["request_id"] == id).collect()
}

/// The one audit line of the request, of `event`.
fn the_line(answer: &Answer, event: &str) -> Value {
    let lines = audit_lines(answer);
    let of_kind: Vec<&Value> = lines.iter().filter(|line| line["event"] == event).collect();
    assert_eq!(of_kind.len(), 1, "one {event} line for {answer:?}: {lines:#?}");
    of_kind[0].clone()
}

async fn delete(api: &TestApi, path: &str, body: Value, token: &str) -> Answer {
    api.send("DELETE", path, Some(("application/json", body.to_string().into_bytes())), Some(token)).await
}

#[tokio::test]
async fn sign_ins_are_audited_and_a_failed_one_names_no_one() {
    logs();
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let user = confirmed_user(&pool, &[]).await;

    // WHEN a stranger signs in with a password typed where the username goes
    let typed = "MyS3cret-Typed-As-Username";
    let failed = api.post("/auth/login", json!({"username": typed, "password": "Wr0ng-Passw0rd!"}), None).await;
    failed.assert_problem(401, "INVALID_CREDENTIALS");
    // THEN one auth.sign_in.failed line, the answer's request id, the reason, and no name
    let line = the_line(&failed, "auth.sign_in.failed");
    assert_eq!(line["outcome"], "failure");
    assert_eq!(line["reason"], "INVALID_CREDENTIALS");
    assert_eq!(line["level"], "INFO");
    assert!(line.get("actor").is_none(), "{line}");
    assert!(!all_lines().iter().any(|l| l.to_string().contains(typed)), "the typed username reached the log");

    // WHEN the user signs in
    let signed_in = api.post("/auth/login", json!({"username": user, "password": PASSWORD}), None).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    // THEN auth.sign_in.succeeded names them
    let line = the_line(&signed_in, "auth.sign_in.succeeded");
    assert_eq!((line["outcome"].as_str(), line["actor"].as_str()), (Some("success"), Some(user.as_str())));
    assert!(line.get("reason").is_none(), "{line}");
}

#[tokio::test]
async fn account_changes_are_audited_with_their_actor_and_refusals_too() {
    logs();
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let user = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&user, PASSWORD).await;

    // A password change
    let new_password = "N3w-Corr3ct-Horse-Battery";
    let changed = api
        .post("/auth/password/change", json!({"currentPassword": PASSWORD, "newPassword": new_password}), Some(&token))
        .await;
    assert_eq!(changed.status, 204, "{changed:?}");
    let line = the_line(&changed, "account.password.changed");
    assert_eq!((line["outcome"].as_str(), line["actor"].as_str()), (Some("success"), Some(user.as_str())));

    // A deletion refused for want of a step-up, then done with one
    let token = api.access_token(&user, new_password).await;
    let refused = delete(&api, "/auth/me", json!({}), &token).await;
    refused.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    let line = the_line(&refused, "account.deleted");
    assert_eq!(line["outcome"], "refused");
    assert_eq!(line["reason"], "REAUTHENTICATION_REQUIRED");
    assert_eq!(line["actor"], user.as_str());
    let deleted =
        delete(&api, "/auth/me", json!({"reauthentication": {"currentPassword": new_password}}), &token).await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
    let line = the_line(&deleted, "account.deleted");
    assert_eq!((line["outcome"].as_str(), line["actor"].as_str()), (Some("success"), Some(user.as_str())));

    // A forged token names no one: the line has no actor
    let forged = api
        .post(
            "/auth/password/change",
            json!({"currentPassword": "x", "newPassword": "An0ther-Corr3ct-Horse"}),
            Some("a.b.c"),
        )
        .await;
    assert_eq!(forged.status, 401, "{forged:?}");
    let line = the_line(&forged, "account.password.changed");
    assert!(line.get("actor").is_none(), "{line}");
}

#[tokio::test]
async fn admin_actions_name_the_admin_and_the_user_and_a_non_admin_is_refused() {
    logs();
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let admin = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let user = confirmed_user(&pool, &[]).await;
    let other = confirmed_user(&pool, &[]).await;

    let disabled = api.post(&format!("/auth/users/{user}/disable"), json!({}), Some(&admin)).await;
    assert_eq!(disabled.status, 204, "{disabled:?}");
    let line = the_line(&disabled, "admin.user.disabled");
    assert_eq!(
        (line["outcome"].as_str(), line["actor"].as_str(), line["target"].as_str()),
        (Some("success"), Some(ADMIN_USERNAME), Some(user.as_str()))
    );

    let added = api.send("PUT", &format!("/auth/users/{user}/groups/{}", "admin"), None, Some(&admin)).await;
    assert_eq!(added.status, 204, "{added:?}");
    assert_eq!(the_line(&added, "admin.user.group_added")["group"], "admin");

    let own = api.send("DELETE", &format!("/auth/users/{ADMIN_USERNAME}"), None, Some(&admin)).await;
    own.assert_problem(409, "SELF_ADMINISTRATION");
    let line = the_line(&own, "admin.user.deleted");
    assert_eq!((line["outcome"].as_str(), line["reason"].as_str()), (Some("refused"), Some("SELF_ADMINISTRATION")));

    let deleted = api.send("DELETE", &format!("/auth/users/{user}"), None, Some(&admin)).await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
    let line = the_line(&deleted, "admin.user.deleted");
    assert_eq!((line["actor"].as_str(), line["target"].as_str()), (Some(ADMIN_USERNAME), Some(user.as_str())));

    // A signed-in user who is no admin
    let token = api.access_token(&other, PASSWORD).await;
    let refused = api.send("DELETE", &format!("/auth/users/{ADMIN_USERNAME}"), None, Some(&token)).await;
    refused.assert_problem(403, "FORBIDDEN");
    let line = the_line(&refused, "admin.access.refused");
    assert_eq!((line["outcome"].as_str(), line["actor"].as_str()), (Some("refused"), Some(other.as_str())));
    assert_eq!(line["detail"], "DELETE /auth/users/{username}");
    assert_eq!(audit_lines(&refused).len(), 1, "the refusal is one line");
}
