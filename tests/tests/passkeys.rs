//! Passkeys end to end (docs/passwordless.md): the real router, the real SDK and the
//! local Cognito's WebAuthn, with 1Password's passkey-rs as the user's device (an
//! authenticator and the browser's WebAuthn client in front of it). A user without a
//! password adds a passkey with a fresh proof (an emailed code) and signs in by passkey
//! alone; and the attacks: a forged assertion (another key), a replayed one, another
//! origin, another relying party, a stranger, and a stolen access token adding or
//! deleting a passkey without the proof.

use integration_tests::flows::{passwordless_start, sign_in_by_email_code, signed_up_without_password};
use integration_tests::passkey_device::*;
use integration_tests::*;
use passkey_types::Passkey;
use serde_json::{json, Value};

async fn passwordless_api() -> (Pool, TestApi) {
    let pool = create_pool(PoolOptions::passwordless()).await;
    let api = TestApi::start(&pool).await;
    (pool, api)
}

/// A fresh proof for a user without a password: a code from POST /auth/me/reauthentication.
async fn email_proof(api: &TestApi, username: &str, token: &str) -> Value {
    let sent = api.post("/auth/me/reauthentication", json!({}), Some(token)).await;
    assert_eq!(sent.status, 202, "{sent:?}");
    json!({"emailCode": outbox_code(username, "attribute_verification").await})
}

/// A user without a password, signed in by an emailed code, who added a passkey on
/// `device`: (username, access token, the passkey as listed).
async fn user_with_passkey(api: &TestApi, device: &mut Device) -> (String, String, Value) {
    let username = signed_up_without_password(api).await;
    let token = sign_in_by_email_code(api, &username).await["accessToken"].as_str().unwrap().to_owned();
    let proof = email_proof(api, &username, &token).await;
    let options = api.post("/auth/me/passkeys/options", json!({"reauthentication": proof}), Some(&token)).await;
    assert_eq!(options.status, 200, "{options:?}");
    let credential = create(device, APP, &options.body["credentialCreationOptions"]).await;
    let added = api.post("/auth/me/passkeys", json!({"credential": credential}), Some(&token)).await;
    assert_eq!(added.status, 201, "{added:?}");
    (username, token, added.body)
}

/// The WEB_AUTHN challenge for `username`: (session, credentialRequestOptions).
async fn passkey_challenge(api: &TestApi, username: &str) -> (String, Value) {
    let started = passwordless_start(api, username, Some("passkey")).await;
    assert_eq!(started.body["challenge"]["name"], "WEB_AUTHN", "{started:?}");
    let challenge = &started.body["challenge"];
    (challenge["session"].as_str().unwrap().to_owned(), challenge["parameters"]["credentialRequestOptions"].clone())
}

async fn answer(api: &TestApi, username: &str, session: &str, credential: &Value) -> Answer {
    let body = json!({"username": username, "session": session, "credential": credential});
    api.post("/auth/passwordless/passkey", body, None).await
}

#[tokio::test]
async fn a_user_adds_a_passkey_and_signs_in_by_passkey_alone() {
    // GIVEN a user who signed up without a password and signed in by an emailed code
    let (_, api) = passwordless_api().await;
    let mut phone = device();
    let username = signed_up_without_password(&api).await;
    let token = sign_in_by_email_code(&api, &username).await["accessToken"].as_str().unwrap().to_owned();

    // WHEN the user asks for passkey options with a fresh proof (an emailed code)
    let proof = email_proof(&api, &username, &token).await;
    let options = api.post("/auth/me/passkeys/options", json!({"reauthentication": proof}), Some(&token)).await;
    // THEN the options are Cognito's, for the relying party localhost and this user
    assert_eq!(options.status, 200, "{options:?}");
    let options = &options.body["credentialCreationOptions"];
    assert_eq!(options["rp"]["id"], "localhost", "{options}");
    assert_eq!(options["user"]["name"], username.as_str(), "{options}");

    // WHEN the phone makes a passkey and the app sends it
    let credential = create(&mut phone, APP, options).await;
    let added = api.post("/auth/me/passkeys", json!({"credential": credential}), Some(&token)).await;
    // THEN 201 the passkey as listed, and it is listed
    assert_eq!(added.status, 201, "{added:?}");
    assert_eq!(added.body["credentialId"], credential["id"], "{added:?}");
    assert_eq!(added.body["relyingPartyId"], "localhost");
    let listed = api.get("/auth/me/passkeys", Some(&token)).await;
    assert_eq!((listed.status, &listed.body), (200, &json!({"passkeys": [added.body.clone()]})), "{listed:?}");
    // AND the user's verified email is told
    assert_eq!(notices_to(&format!("{username}@example.com")).await.len(), 1);

    // WHEN the user signs in by passkey alone, through SELECT_CHALLENGE
    let started = passwordless_start(&api, &username, None).await;
    let body = json!({"username": username, "session": started.body["challenge"]["session"], "factor": "passkey"});
    let picked = api.post("/auth/passwordless/factor", body, None).await;
    let challenge = &picked.body["challenge"];
    assert_eq!(challenge["name"], "WEB_AUTHN", "{picked:?}");
    // THEN the options name no credential of the user's (the passkey is discoverable)
    let request = &challenge["parameters"]["credentialRequestOptions"];
    let mut keys: Vec<_> = request.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["challenge", "rpId", "timeout", "userVerification"], "{request}");
    assert_eq!(request["rpId"], "localhost");
    // AND the phone's assertion signs in
    let assertion = get(&mut phone, APP, request).await;
    let done = answer(&api, &username, challenge["session"].as_str().unwrap(), &assertion).await;
    assert_eq!((done.status, &done.body["result"]), (200, &json!("tokens")), "{done:?}");
    let me = api.get("/auth/me", done.body["tokens"]["accessToken"].as_str()).await;
    assert_eq!(me.body["username"], username.as_str(), "{me:?}");

    // WHEN the user deletes it, with a fresh proof THEN 204, and it no longer signs in
    let proof = email_proof(&api, &username, &token).await;
    let path = format!("/auth/me/passkeys/{}", added.body["credentialId"].as_str().unwrap());
    let body = Some(("application/json", json!({"reauthentication": proof}).to_string().into_bytes()));
    let deleted = api.send("DELETE", &path, body, Some(&token)).await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
    assert_eq!(api.get("/auth/me/passkeys", Some(&token)).await.body, json!({"passkeys": []}));
    let (session, options) = passkey_challenge(&api, &username).await;
    let assertion = get(&mut phone, APP, &options).await;
    answer(&api, &username, &session, &assertion).await.assert_problem(400, "PASSKEY_REFUSED");
}

#[tokio::test]
async fn attack_a_forged_assertion_signed_by_another_key() {
    // GIVEN a user's passkey, and an attacker's device holding a passkey with the user's
    // credential id and user handle but the attacker's own private key
    let (_, api) = passwordless_api().await;
    let mut phone = device();
    let (username, _, _) = user_with_passkey(&api, &mut phone).await;
    let mut attackers = device();
    user_with_passkey(&api, &mut attackers).await;
    let forged = Passkey { key: only_passkey(&attackers).key, ..only_passkey(&phone) };
    let mut forger = device_with(Keychain::of(forged));
    // WHEN the forger answers the user's passkey challenge THEN PASSKEY_REFUSED
    let (session, options) = passkey_challenge(&api, &username).await;
    let assertion = get(&mut forger, APP, &options).await;
    answer(&api, &username, &session, &assertion).await.assert_problem(400, "PASSKEY_REFUSED");
}

#[tokio::test]
async fn attack_a_replayed_assertion() {
    // GIVEN an assertion that signed the user in
    let (_, api) = passwordless_api().await;
    let mut phone = device();
    let (username, _, _) = user_with_passkey(&api, &mut phone).await;
    let (session, options) = passkey_challenge(&api, &username).await;
    let assertion = get(&mut phone, APP, &options).await;
    assert_eq!(answer(&api, &username, &session, &assertion).await.status, 200);
    // WHEN it is sent again, in its session or in a new one THEN PASSKEY_REFUSED
    answer(&api, &username, &session, &assertion).await.assert_problem(400, "PASSKEY_REFUSED");
    let (fresh, _) = passkey_challenge(&api, &username).await;
    answer(&api, &username, &fresh, &assertion).await.assert_problem(400, "PASSKEY_REFUSED");
}

#[tokio::test]
async fn attack_an_assertion_made_on_another_origin() {
    // GIVEN a phishing page on another origin that relays the user's challenge
    let (_, api) = passwordless_api().await;
    let mut phone = device();
    let (username, _, _) = user_with_passkey(&api, &mut phone).await;
    let (session, options) = passkey_challenge(&api, &username).await;
    // WHEN the user's device signs it there (the browser puts that origin in clientDataJSON)
    let assertion = get(&mut phone, "https://localhost:8443", &options).await;
    // THEN PASSKEY_REFUSED
    answer(&api, &username, &session, &assertion).await.assert_problem(400, "PASSKEY_REFUSED");
}

#[tokio::test]
async fn attack_an_assertion_for_another_relying_party() {
    // GIVEN the user's key registered by a phishing site for its own relying party
    let (_, api) = passwordless_api().await;
    let mut phone = device();
    let (username, _, _) = user_with_passkey(&api, &mut phone).await;
    let mut moved = only_passkey(&phone);
    moved.rp_id = "evil.example".into();
    let mut phished = device_with(Keychain::of(moved));
    // WHEN it answers the user's challenge, signed for evil.example from evil.example
    let (session, mut options) = passkey_challenge(&api, &username).await;
    options["rpId"] = json!("evil.example");
    let assertion = get(&mut phished, "https://evil.example", &options).await;
    // THEN PASSKEY_REFUSED
    answer(&api, &username, &session, &assertion).await.assert_problem(400, "PASSKEY_REFUSED");
}

#[tokio::test]
async fn a_stranger_and_a_user_without_a_passkey_are_refused_as_a_wrong_passkey_is() {
    // GIVEN a user with a passkey, one without, and a stranger (names of one length)
    let (_, api) = passwordless_api().await;
    let mut phone = device();
    let (username, _, _) = user_with_passkey(&api, &mut phone).await;
    let without = signed_up_without_password(&api).await;
    let stranger = format!("pat-{}", uuid::Uuid::new_v4());
    // WHEN each answers a passkey challenge with the user's passkey signed for another session
    let (_, options) = passkey_challenge(&api, &username).await;
    let mut answers = Vec::new();
    for name in [&username, &without, &stranger] {
        let (session, theirs) = passkey_challenge(&api, name).await;
        assert_eq!(theirs["challenge"].as_str().unwrap().len(), options["challenge"].as_str().unwrap().len());
        let assertion = get(&mut phone, APP, &options).await;
        answers.push(seen(&answer(&api, name, &session, &assertion).await));
    }
    // THEN every answer is the same PASSKEY_REFUSED
    assert_eq!(answers[0].0, 400, "{:?}", answers[0]);
    assert_eq!(answers[0].2["code"], "PASSKEY_REFUSED");
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0], answers[2]);
}

#[tokio::test]
async fn attack_a_stolen_access_token_cannot_add_or_delete_a_passkey_without_the_proof() {
    // GIVEN a user's access token in an attacker's hands (and a passkey of the user's)
    let (_, api) = passwordless_api().await;
    let mut phone = device();
    let (username, stolen, passkey) = user_with_passkey(&api, &mut phone).await;
    // WHEN the attacker asks for options without a proof, or with a made-up code
    let bare = api.post("/auth/me/passkeys/options", json!({}), Some(&stolen)).await;
    bare.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    let guessed = json!({"reauthentication": {"emailCode": "123456"}});
    api.post("/auth/me/passkeys/options", guessed.clone(), Some(&stolen))
        .await
        .assert_problem(403, "REAUTHENTICATION_REQUIRED");
    // AND, with no registration of the user's under way, sends a passkey of their own made
    // for options their own account got
    let mut other = device();
    let attacker_options = {
        let attacker = signed_up_without_password(&api).await;
        let token = sign_in_by_email_code(&api, &attacker).await["accessToken"].as_str().unwrap().to_owned();
        let proof = email_proof(&api, &attacker, &token).await;
        let answer = api.post("/auth/me/passkeys/options", json!({"reauthentication": proof}), Some(&token)).await;
        answer.body["credentialCreationOptions"].clone()
    };
    let credential = create(&mut other, APP, &attacker_options).await;
    let added = api.post("/auth/me/passkeys", json!({"credential": credential}), Some(&stolen)).await;
    // THEN it is refused
    added.assert_problem(400, "PASSKEY_REFUSED");
    // AND deleting the user's passkey without a proof, or with a made-up one, is refused
    let path = format!("/auth/me/passkeys/{}", passkey["credentialId"].as_str().unwrap());
    for body in [json!({}), guessed] {
        let body = Some(("application/json", body.to_string().into_bytes()));
        api.send("DELETE", &path, body, Some(&stolen)).await.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    }
    // AND the user's one passkey is still there, and still signs in
    assert_eq!(api.get("/auth/me/passkeys", Some(&stolen)).await.body["passkeys"].as_array().unwrap().len(), 1);
    let (session, options) = passkey_challenge(&api, &username).await;
    let assertion = get(&mut phone, APP, &options).await;
    assert_eq!(answer(&api, &username, &session, &assertion).await.status, 200);
}

#[tokio::test]
async fn a_passkey_made_on_another_origin_is_not_added() {
    // GIVEN a user's registration under way, relayed to a page on another origin
    let (_, api) = passwordless_api().await;
    let username = signed_up_without_password(&api).await;
    let token = sign_in_by_email_code(&api, &username).await["accessToken"].as_str().unwrap().to_owned();
    let proof = email_proof(&api, &username, &token).await;
    let options = api.post("/auth/me/passkeys/options", json!({"reauthentication": proof}), Some(&token)).await;
    // WHEN the passkey made there is sent
    let credential = create(&mut device(), "https://localhost:8443", &options.body["credentialCreationOptions"]).await;
    let added = api.post("/auth/me/passkeys", json!({"credential": credential}), Some(&token)).await;
    // THEN PASSKEY_REFUSED
    added.assert_problem(400, "PASSKEY_REFUSED");
    // AND so is a passkey made for another relying party, on its site
    let proof = email_proof(&api, &username, &token).await;
    let options = api.post("/auth/me/passkeys/options", json!({"reauthentication": proof}), Some(&token)).await;
    let mut options = options.body["credentialCreationOptions"].clone();
    options["rp"] = json!({"id": "evil.example", "name": "evil.example"});
    let credential = create(&mut device(), "https://evil.example", &options).await;
    let added = api.post("/auth/me/passkeys", json!({"credential": credential}), Some(&token)).await;
    added.assert_problem(400, "PASSKEY_REFUSED");
    // AND the user has no passkey
    assert_eq!(api.get("/auth/me/passkeys", Some(&token)).await.body, json!({"passkeys": []}));
}

#[tokio::test]
async fn an_answer_of_the_wrong_kind_is_refused_as_a_wrong_answer() {
    // GIVEN a user with a passkey, a WEB_AUTHN session and an EMAIL_OTP session of theirs
    let (_, api) = passwordless_api().await;
    let mut phone = device();
    let (username, _, _) = user_with_passkey(&api, &mut phone).await;
    let (passkey_session, options) = passkey_challenge(&api, &username).await;
    let started = passwordless_start(&api, &username, Some("email")).await;
    let email_session = started.body["challenge"]["session"].as_str().unwrap().to_owned();
    let code = outbox_code(&username, "otp").await;
    // WHEN a code answers the passkey's session, and a passkey the code's
    let body = json!({"username": username, "session": passkey_session, "challenge": "EMAIL_OTP", "code": code});
    let crossed = api.post("/auth/passwordless/code", body, None).await;
    let assertion = get(&mut phone, APP, &options).await;
    let other = answer(&api, &username, &email_session, &assertion).await;
    // THEN each is the refusal of its kind, and signs no one in
    crossed.assert_problem(400, "CODE_MISMATCH");
    other.assert_problem(400, "PASSKEY_REFUSED");
}

#[tokio::test]
async fn a_thief_who_finishes_a_registration_the_user_started_is_told_to_the_user() {
    // GIVEN a user who asked for passkey options (with the proof), and a thief holding the
    // user's access token and those options (what is left: docs/passwordless.md)
    let (_, api) = passwordless_api().await;
    let username = signed_up_without_password(&api).await;
    let token = sign_in_by_email_code(&api, &username).await["accessToken"].as_str().unwrap().to_owned();
    let proof = email_proof(&api, &username, &token).await;
    let options = api.post("/auth/me/passkeys/options", json!({"reauthentication": proof}), Some(&token)).await;
    let before = notices_to(&format!("{username}@example.com")).await.len();
    // WHEN the thief finishes it with their own device first
    let credential = create(&mut device(), APP, &options.body["credentialCreationOptions"]).await;
    let added = api.post("/auth/me/passkeys", json!({"credential": credential}), Some(&token)).await;
    assert_eq!(added.status, 201, "{added:?}");
    // THEN the user's verified email is told that a passkey was added
    let notices = notices_to(&format!("{username}@example.com")).await;
    assert_eq!(notices.len(), before + 1, "{notices:?}");
    // AND the user's own device, late, finds the registration spent
    let own = create(&mut device(), APP, &options.body["credentialCreationOptions"]).await;
    api.post("/auth/me/passkeys", json!({"credential": own}), Some(&token))
        .await
        .assert_problem(400, "PASSKEY_REFUSED");
}
