//! Passwords, codes, tokens and sessions never reach a log line, the audit trail's included.

use integration_tests::captured_logs::captured_logs;
use integration_tests::flows::six_step_flow;
use integration_tests::*;
use serde_json::json;

#[tokio::test]
async fn logs_of_the_whole_flow_and_its_failures_hold_no_secret() {
    // GIVEN the API logging JSON at debug level into a buffer, with a secret client
    let logs = captured_logs("debug");
    let pool = create_pool(PoolOptions { client_secret: true, ..Default::default() }).await;
    let api = TestApi::start(&pool).await;

    // WHEN the six-step flow runs, and failures with secrets in them too
    let mut secrets = six_step_flow(&api).await;
    secrets.push(pool.client_secret.clone().unwrap());
    let wrong_password = "Wr0ng-But-Secret-Passw0rd";
    api.post("/auth/login", json!({"username": ADMIN_USERNAME, "password": wrong_password}), None).await;
    let bogus_session = "bogus-session-that-is-secret-too";
    api.post(
        "/auth/new-password",
        json!({"username": "a", "session": bogus_session, "newPassword": "N3w-Secret-Passw0rd"}),
        None,
    )
    .await;
    api.post("/auth/email/verify", json!({"code": "424242"}), Some("some-token-value")).await;
    api.post("/auth/login", json!({"username": "a", "password": 98765432}), None).await;
    secrets.extend(
        ["Wr0ng-But-Secret-Passw0rd", bogus_session, "N3w-Secret-Passw0rd", "424242", "some-token-value", "98765432"]
            .map(String::from),
    );

    // THEN the log has one line per request, and no secret in any line
    let text = logs.text();
    let request_lines = text.lines().filter(|line| line.contains(r#""message":"request""#)).count();
    assert!(request_lines >= 12, "one line per request:\n{text}");
    assert!(text.contains(r#""request_id""#) && text.contains(r#""latency_ms""#) && text.contains(r#""route""#));
    // The audit trail's lines (docs/audit.md) are in the scan: successes and failures.
    let audit_lines = text.lines().filter(|line| line.contains(r#""message":"audit""#)).count();
    assert!(audit_lines >= 3, "audit lines of the flow:\n{text}");
    assert!(text.contains(r#""event":"auth.sign_in.succeeded""#) && text.contains(r#""event":"auth.sign_in.failed""#));
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "a secret reached the log: {secret}");
    }
}
