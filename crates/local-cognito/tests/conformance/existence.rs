//! PreventUserExistenceErrors and the lockout after failed sign-ins.
//! (Developer guide, "Managing error responses" (user existence errors);
//! "User sign-in lockout": five failures allowed, then temporary lockouts
//! from 1 second, doubling, up to about 15 minutes.)

use serde_json::json;

use crate::target::*;

#[tokio::test]
async fn an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
    // GIVEN a client with PreventUserExistenceErrors ENABLED (the deployed one)
    let target = Target::standard().await;
    let known = target.confirmed_user().await;
    // THEN an unknown user and a wrong password are answered alike
    let unknown = error_of(target.sign_in("nobody-at-all", PASSWORD).await);
    let wrong = error_of(target.sign_in(&known, "Wrong-Passw0rd-1").await);
    assert_eq!(unknown, wrong);
    assert_eq!(unknown, ("NotAuthorizedException".into(), "Incorrect username or password.".into()));
}

#[tokio::test]
async fn a_legacy_client_says_the_user_does_not_exist() {
    let seed = json!({"client": {"PreventUserExistenceErrors": "LEGACY"}});
    let Some(target) = Target::custom(seed, "an app client of its own").await else { return };
    assert_eq!(
        error_of(target.sign_in("nobody-at-all", PASSWORD).await),
        ("UserNotFoundException".into(), "User does not exist.".into())
    );
}

#[tokio::test]
async fn forgot_password_answers_alike_for_unknown_users() {
    let target = Target::standard().await;
    let known = target.confirmed_user().await;
    let forgot = |username: String| {
        let mut request = target.sdk.forgot_password().client_id(&target.client_id).username(&username);
        if let Some(hash) = target.secret_hash(&username) {
            request = request.secret_hash(hash);
        }
        request.send()
    };
    let real = forgot(known).await.expect("a code is sent").code_delivery_details.unwrap();
    let simulated = forgot("nobody-at-all".into()).await.expect("no error").code_delivery_details.unwrap();
    assert_eq!(real.delivery_medium(), simulated.delivery_medium());
    assert_eq!(real.attribute_name(), simulated.attribute_name());
}

#[tokio::test]
async fn confirm_sign_up_of_an_unknown_user_is_a_code_mismatch() {
    let target = Target::standard().await;
    let mut request =
        target.sdk.confirm_sign_up().client_id(&target.client_id).username("nobody-at-all").confirmation_code("123456");
    if let Some(hash) = target.secret_hash("nobody-at-all") {
        request = request.secret_hash(hash);
    }
    assert_eq!(error_of(request.send().await).0, "CodeMismatchException");
}

#[tokio::test]
async fn five_failures_lock_the_user_out_for_growing_periods() {
    // GIVEN a user who fails to sign in five times
    let Some(target) = Target::custom(json!({}), "the clock").await else { return };
    let username = target.confirmed_user().await;
    for _ in 0..5 {
        let failed = error_of(target.sign_in(&username, "Wrong-Passw0rd-1").await);
        assert_eq!(failed.1, "Incorrect username or password.");
    }
    // THEN even the right password is refused during the lockout
    let locked = ("NotAuthorizedException".into(), "Password attempts exceeded".into());
    assert_eq!(error_of(target.sign_in(&username, PASSWORD).await), locked);
    // AND a second later a sixth failure locks for 2 seconds
    target.advance_clock(1).await;
    error_of(target.sign_in(&username, "Wrong-Passw0rd-1").await);
    target.advance_clock(1).await;
    assert_eq!(error_of(target.sign_in(&username, PASSWORD).await), locked);
    target.advance_clock(1).await;
    target.tokens(&username).await;
}

/// ConfirmForgotPassword with PreventUserExistenceErrors ENABLED: an unknown user
/// gets CodeMismatchException every time (there is no code to lock), a real one
/// is refused with LimitExceededException, "Attempt limit exceeded, please try after
/// some time.", once its code has taken too many wrong guesses (API reference,
/// ConfirmForgotPassword and its errors; developer guide, "Managing user existence
/// error responses"). The two differ here, so the API must answer them alike.
#[tokio::test]
async fn wrong_reset_codes_lock_a_real_user_and_never_an_unknown_one() {
    let Some(target) = Target::custom(json!({}), "the outbox").await else { return };
    let known = target.confirmed_user().await;
    let forgot = target.sdk.forgot_password().client_id(&target.client_id).username(&known);
    forgot.send().await.expect("a code is sent");
    let code = target.outbox_code(&known, "forgot_password").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let reset = |username: String, code: String| {
        target
            .sdk
            .confirm_forgot_password()
            .client_id(&target.client_id)
            .username(username)
            .confirmation_code(code)
            .password("Reset-Passw0rd-1")
            .send()
    };
    for attempt in 0..7 {
        let unknown = error_of(reset("nobody-at-all".into(), wrong.into()).await);
        assert_eq!(unknown.0, "CodeMismatchException", "attempt {attempt}");
        let real = error_of(reset(known.clone(), wrong.into()).await);
        let expected = if attempt < 5 { "CodeMismatchException" } else { "LimitExceededException" };
        assert_eq!(real.0, expected, "attempt {attempt}");
    }
    // Even the right code is refused once the limit is reached.
    let locked = error_of(reset(known.clone(), code).await);
    assert_eq!(locked, ("LimitExceededException".into(), "Attempt limit exceeded, please try after some time.".into()));
}
