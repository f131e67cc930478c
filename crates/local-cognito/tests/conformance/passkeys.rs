//! Passkeys: registration with the user's access token, and WEB_AUTHN as a first
//! factor. API reference: StartWebAuthnRegistration, CompleteWebAuthnRegistration,
//! ListWebAuthnCredentials, DeleteWebAuthnCredential, WebAuthnConfigurationType
//! (RelyingPartyId, UserVerification), RespondToAuthChallenge (WEB_AUTHN,
//! CREDENTIAL); W3C Web Authentication level 3, "Registering a new credential"
//! and "Verifying an authentication assertion" (challenge, origin, rpIdHash,
//! signature, UP, UV, signCount). The authenticator and the browser are
//! 1Password's passkey-rs, independent of the emulator's verifier
//! (webauthn-rs-core). A pool of its own settings: the emulator only.

use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use passkey_authenticator::{Authenticator, MemoryStore, UiHint, UserCheck, UserValidationMethod};
use passkey_client::Client;
use passkey_types::{ctap2, webauthn, Passkey};
use serde_json::{json, Value};

use crate::passwordless::{answer, passwordless_pool, user_auth};
use crate::target::*;

/// A person at an authenticator: always present, verified when `verifies`.
pub(crate) struct Person {
    verifies: bool,
}

#[async_trait::async_trait]
impl UserValidationMethod for Person {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        _verification: bool,
    ) -> Result<UserCheck, ctap2::Ctap2Error> {
        Ok(UserCheck { presence, verification: self.verifies })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(self.verifies)
    }
}

pub(crate) type Device =
    Client<MemoryStore, Person, passkey_crypto::AvailableBackend, public_suffix::PublicSuffixList, ()>;

/// A passkey authenticator and a browser in front of it, from a store of passkeys.
pub(crate) fn device_with(store: MemoryStore, verifies: bool, counter: bool) -> Device {
    let mut authenticator =
        Authenticator::new(ctap2::Aaguid::new_empty(), store, Person { verifies }, passkey_crypto::AvailableBackend);
    authenticator.set_make_credentials_with_signature_counter(counter);
    Client::new(authenticator).allows_insecure_localhost(true)
}

pub(crate) fn device() -> Device {
    device_with(MemoryStore::new(), true, true)
}

fn origin(url: &str) -> url::Url {
    url::Url::parse(url).unwrap()
}

pub(crate) const APP: &str = "http://localhost:5173";

pub(crate) async fn passkey_target(user_verification: &str) -> Option<Target> {
    let mut seed = passwordless_pool(&["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"], "ENABLED");
    seed["mfa"] =
        json!({"WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": user_verification}});
    Target::custom(seed, "a pool with passkeys").await
}

/// StartWebAuthnRegistration's options as a browser takes them.
pub(crate) async fn creation_options(target: &Target, access_token: &str) -> Value {
    let started = target.sdk.start_web_authn_registration().access_token(access_token).send().await.unwrap();
    document_to_json(started.credential_creation_options())
}

fn document_to_json(document: &aws_smithy_types::Document) -> Value {
    use aws_smithy_types::Document;
    match document {
        Document::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), document_to_json(v))).collect()),
        Document::Array(items) => Value::Array(items.iter().map(document_to_json).collect()),
        Document::Number(n) => match *n {
            aws_smithy_types::Number::PosInt(n) => json!(n),
            aws_smithy_types::Number::NegInt(n) => json!(n),
            aws_smithy_types::Number::Float(f) => json!(f),
        },
        Document::String(s) => json!(s),
        Document::Bool(b) => json!(b),
        Document::Null => Value::Null,
    }
}

fn json_to_document(value: &Value) -> aws_smithy_types::Document {
    use aws_smithy_types::{Document, Number};
    match value {
        Value::Object(map) => Document::Object(map.iter().map(|(k, v)| (k.clone(), json_to_document(v))).collect()),
        Value::Array(items) => Document::Array(items.iter().map(json_to_document).collect()),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Document::Number(Number::PosInt(u)),
            (_, Some(i)) => Document::Number(Number::NegInt(i)),
            _ => Document::Number(Number::Float(n.as_f64().unwrap())),
        },
        Value::String(s) => Document::String(s.clone()),
        Value::Bool(b) => Document::Bool(*b),
        Value::Null => Document::Null,
    }
}

/// The browser's RegistrationResponseJSON for `options`, made at `at`.
pub(crate) async fn create(device: &mut Device, at: &str, options: Value) -> Value {
    let request: webauthn::CredentialCreationOptions =
        serde_json::from_value(json!({"publicKey": options})).expect("Cognito's options parse as WebAuthn's");
    let created = device.register(&origin(at), request, None).await.expect("the authenticator makes a passkey");
    serde_json::to_value(created).unwrap()
}

pub(crate) async fn complete(target: &Target, access_token: &str, credential: &Value) -> Result<(), (String, String)> {
    let result = target
        .sdk
        .complete_web_authn_registration()
        .access_token(access_token)
        .credential(json_to_document(credential))
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(error) => Err(error_of::<_, ()>(Err(error))),
    }
}

/// A confirmed user with one passkey on `device`, registered from the app's origin.
async fn user_with_passkey(target: &Target, device: &mut Device) -> (String, String) {
    let username = target.confirmed_user().await;
    let access_token = target.tokens(&username).await.access_token.unwrap();
    let options = creation_options(target, &access_token).await;
    let credential = create(device, APP, options).await;
    complete(target, &access_token, &credential).await.expect("registered");
    (username, access_token)
}

/// The WEB_AUTHN challenge's session and options for a user.
pub(crate) async fn passkey_challenge(target: &Target, username: &str) -> (String, Value) {
    let start = user_auth(target, username, Some("WEB_AUTHN"), &[]).await.unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::WebAuthn));
    let options = start.challenge_parameters().unwrap()["CREDENTIAL_REQUEST_OPTIONS"].clone();
    (start.session.unwrap(), serde_json::from_str(&options).expect("CREDENTIAL_REQUEST_OPTIONS is JSON"))
}

/// The browser's AuthenticationResponseJSON for `options`, at `at`.
pub(crate) async fn get(device: &mut Device, at: &str, options: Value) -> Value {
    let request: webauthn::CredentialRequestOptions =
        serde_json::from_value(json!({"publicKey": options})).expect("the options parse as WebAuthn's");
    let assertion = device.authenticate(&origin(at), request, None).await.expect("the authenticator signs");
    serde_json::to_value(assertion).unwrap()
}

pub(crate) async fn sign_in_with(
    target: &Target,
    username: &str,
    session: &str,
    credential: &Value,
) -> Result<(), (String, String)> {
    let result =
        answer(target, ChallengeNameType::WebAuthn, session, username, &[("CREDENTIAL", &credential.to_string())])
            .await;
    match result {
        Ok(done) => {
            assert!(done.authentication_result.is_some(), "tokens");
            Ok(())
        }
        Err(error) => Err(error_of::<_, ()>(Err(error))),
    }
}

fn refused() -> Result<(), (String, String)> {
    Err(("NotAuthorizedException".into(), "Incorrect username or password.".into()))
}

#[tokio::test]
async fn a_passkey_registers_lists_signs_in_and_deletes() {
    let Some(target) = passkey_target("preferred").await else { return };
    let mut phone = device();
    let username = target.confirmed_user().await;
    let access_token = target.tokens(&username).await.access_token.unwrap();
    // CredentialCreationOptions as Cognito shapes them.
    let options = creation_options(&target, &access_token).await;
    assert_eq!(options["rp"], json!({"id": "localhost", "name": "localhost"}));
    assert_eq!(options["user"]["name"], username.as_str());
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(options["pubKeyCredParams"][0], json!({"type": "public-key", "alg": -7}));
    let credential = create(&mut phone, APP, options).await;
    complete(&target, &access_token, &credential).await.expect("registered");
    // Listed.
    let listed = target.sdk.list_web_authn_credentials().access_token(&access_token).send().await.unwrap();
    assert_eq!(listed.credentials().len(), 1);
    let passkey = &listed.credentials()[0];
    assert_eq!(passkey.credential_id(), credential["id"].as_str().unwrap());
    assert_eq!(passkey.relying_party_id(), "localhost");
    // WEB_AUTHN is now a first factor the user has.
    let start = user_auth(&target, &username, None, &[]).await.unwrap();
    assert_eq!(start.available_challenges()[0], ChallengeNameType::WebAuthn);
    // Sign in with it, through SELECT_CHALLENGE.
    let chosen = answer(
        &target,
        ChallengeNameType::SelectChallenge,
        &start.session.unwrap(),
        &username,
        &[("ANSWER", "WEB_AUTHN")],
    )
    .await
    .unwrap();
    let options: Value =
        serde_json::from_str(&chosen.challenge_parameters().unwrap()["CREDENTIAL_REQUEST_OPTIONS"]).unwrap();
    assert_eq!(options["rpId"], "localhost");
    assert_eq!(options["allowCredentials"][0]["id"], credential["id"]);
    let assertion = get(&mut phone, APP, options).await;
    sign_in_with(&target, &username, &chosen.session.unwrap(), &assertion).await.expect("signed in with the passkey");
    // Deleted: no longer listed, no longer a factor.
    target
        .sdk
        .delete_web_authn_credential()
        .access_token(&access_token)
        .credential_id(passkey.credential_id())
        .send()
        .await
        .unwrap();
    let listed = target.sdk.list_web_authn_credentials().access_token(&access_token).send().await.unwrap();
    assert!(listed.credentials().is_empty());
    let again = target
        .sdk
        .delete_web_authn_credential()
        .access_token(&access_token)
        .credential_id(passkey.credential_id())
        .send()
        .await;
    assert_eq!(error_of(again).0, "ResourceNotFoundException");
    let start = user_auth(&target, &username, None, &[]).await.unwrap();
    assert!(!start.available_challenges().contains(&ChallengeNameType::WebAuthn));
}

#[tokio::test]
async fn list_web_authn_credentials_pages() {
    let Some(target) = passkey_target("preferred").await else { return };
    let mut phone = device();
    let (_, access_token) = user_with_passkey(&target, &mut phone).await;
    let mut laptop = device();
    let options = creation_options(&target, &access_token).await;
    let credential = create(&mut laptop, APP, options).await;
    complete(&target, &access_token, &credential).await.unwrap();
    let first =
        target.sdk.list_web_authn_credentials().access_token(&access_token).max_results(1).send().await.unwrap();
    assert_eq!(first.credentials().len(), 1);
    let next = first.next_token.clone().expect("a page token");
    let second = target
        .sdk
        .list_web_authn_credentials()
        .access_token(&access_token)
        .max_results(1)
        .next_token(next)
        .send()
        .await
        .unwrap();
    assert_eq!(second.credentials().len(), 1);
    assert_ne!(first.credentials()[0].credential_id(), second.credentials()[0].credential_id());
    assert!(second.next_token.is_none());
    let bad = target.sdk.list_web_authn_credentials().access_token(&access_token).next_token("forged").send().await;
    assert_eq!(error_of(bad).0, "InvalidParameterException");
}

#[tokio::test]
async fn a_registration_answers_its_own_challenge_once() {
    let Some(target) = passkey_target("preferred").await else { return };
    let username = target.confirmed_user().await;
    let access_token = target.tokens(&username).await.access_token.unwrap();
    // Without a registration started.
    let mut phone = device();
    let options = creation_options(&target, &access_token).await;
    let credential = create(&mut phone, APP, options).await;
    complete(&target, &access_token, &credential).await.unwrap();
    let (kind, _) = complete(&target, &access_token, &credential).await.unwrap_err();
    assert_eq!(kind, "WebAuthnChallengeNotFoundException");
    // A response to an older challenge than the one started last.
    let old = creation_options(&target, &access_token).await;
    let _newer = creation_options(&target, &access_token).await;
    let stale = create(&mut device(), APP, old).await;
    let (kind, _) = complete(&target, &access_token, &stale).await.unwrap_err();
    assert_eq!(kind, "WebAuthnChallengeNotFoundException");
}

#[tokio::test]
async fn a_registration_from_another_origin_or_for_another_relying_party_is_refused() {
    let Some(target) = passkey_target("preferred").await else { return };
    let username = target.confirmed_user().await;
    let access_token = target.tokens(&username).await.access_token.unwrap();
    // https://localhost is not http://localhost.
    let options = creation_options(&target, &access_token).await;
    let credential = create(&mut device(), "https://localhost:8443", options).await;
    let (kind, _) = complete(&target, &access_token, &credential).await.unwrap_err();
    assert_eq!(kind, "WebAuthnOriginNotAllowedException");
    // A passkey made for example.com, from example.com.
    let mut options = creation_options(&target, &access_token).await;
    options["rp"] = json!({"id": "example.com", "name": "example.com"});
    let credential = create(&mut device(), "https://example.com", options).await;
    let (kind, _) = complete(&target, &access_token, &credential).await.unwrap_err();
    assert!(kind == "WebAuthnOriginNotAllowedException" || kind == "WebAuthnRelyingPartyMismatchException", "{kind}");
    let listed = target.sdk.list_web_authn_credentials().access_token(&access_token).send().await.unwrap();
    assert!(listed.credentials().is_empty());
}

#[tokio::test]
async fn passkeys_need_the_factor_and_a_relying_party() {
    let mut seed = passwordless_pool(&["PASSWORD", "EMAIL_OTP"], "ENABLED");
    seed["mfa"] = json!({"WebAuthnConfiguration": {"RelyingPartyId": "localhost"}});
    let Some(target) = Target::custom(seed, "a pool without WEB_AUTHN").await else { return };
    let username = target.confirmed_user().await;
    let access_token = target.tokens(&username).await.access_token.unwrap();
    let result = target.sdk.start_web_authn_registration().access_token(&access_token).send().await;
    assert_eq!(error_of(result).0, "WebAuthnNotEnabledException");
}

#[tokio::test]
async fn attack_a_forged_assertion_signed_by_another_key() {
    let Some(target) = passkey_target("preferred").await else { return };
    let mut phone = device();
    let (username, _) = user_with_passkey(&target, &mut phone).await;
    // The attacker's authenticator holds a passkey with the victim's credential id
    // and user handle, but its own private key.
    let mut attacker = device();
    let (_, _) = user_with_passkey(&target, &mut attacker).await;
    let victims: Passkey = phone.authenticator().store().values().next().unwrap().clone();
    let attackers: Passkey = attacker.authenticator().store().values().next().unwrap().clone();
    let forged = Passkey { key: attackers.key, ..victims.clone() };
    let mut forger = device_with(MemoryStore::from([(forged.credential_id.to_vec(), forged)]), true, true);
    let (session, options) = passkey_challenge(&target, &username).await;
    let assertion = get(&mut forger, APP, options).await;
    assert_eq!(sign_in_with(&target, &username, &session, &assertion).await, refused());
}

#[tokio::test]
async fn attack_a_replayed_assertion() {
    let Some(target) = passkey_target("preferred").await else { return };
    let mut phone = device();
    let (username, _) = user_with_passkey(&target, &mut phone).await;
    let (session, options) = passkey_challenge(&target, &username).await;
    let assertion = get(&mut phone, APP, options).await;
    sign_in_with(&target, &username, &session, &assertion).await.expect("the first use signs in");
    // The same session again: spent.
    let (kind, message) = sign_in_with(&target, &username, &session, &assertion).await.unwrap_err();
    assert_eq!(
        (kind.as_str(), message.as_str()),
        ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
    );
    // A new session: its challenge is not the one signed.
    let (fresh, _) = passkey_challenge(&target, &username).await;
    assert_eq!(sign_in_with(&target, &username, &fresh, &assertion).await, refused());
}

#[tokio::test]
async fn attack_an_assertion_from_another_origin() {
    let Some(target) = passkey_target("preferred").await else { return };
    let mut phone = device();
    let (username, _) = user_with_passkey(&target, &mut phone).await;
    let (session, options) = passkey_challenge(&target, &username).await;
    let assertion = get(&mut phone, "https://localhost:8443", options).await;
    assert_eq!(sign_in_with(&target, &username, &session, &assertion).await, refused());
}

#[tokio::test]
async fn attack_an_assertion_for_another_relying_party() {
    let Some(target) = passkey_target("preferred").await else { return };
    let mut phone = device();
    let (username, _) = user_with_passkey(&target, &mut phone).await;
    // The same key, registered (by a phishing site) for evil.example: the assertion's
    // rpIdHash is evil.example's, from evil.example.
    let mut moved: Passkey = phone.authenticator().store().values().next().unwrap().clone();
    moved.rp_id = "evil.example".into();
    let mut phished = device_with(MemoryStore::from([(moved.credential_id.to_vec(), moved)]), true, true);
    let (session, mut options) = passkey_challenge(&target, &username).await;
    options["rpId"] = json!("evil.example");
    let assertion = get(&mut phished, "https://evil.example", options).await;
    assert_eq!(sign_in_with(&target, &username, &session, &assertion).await, refused());
}

#[tokio::test]
async fn attack_a_cloned_authenticators_counter_goes_back() {
    let Some(target) = passkey_target("preferred").await else { return };
    let mut phone = device();
    let (username, _) = user_with_passkey(&target, &mut phone).await;
    // A copy of the authenticator taken now, then the original used twice.
    let mut clone = device_with(phone.authenticator().store().clone(), true, true);
    for _ in 0..2 {
        let (session, options) = passkey_challenge(&target, &username).await;
        let assertion = get(&mut phone, APP, options).await;
        sign_in_with(&target, &username, &session, &assertion).await.expect("the original signs in");
    }
    // The clone's counter is behind the last one seen: refused.
    let (session, options) = passkey_challenge(&target, &username).await;
    let assertion = get(&mut clone, APP, options).await;
    assert_eq!(sign_in_with(&target, &username, &session, &assertion).await, refused());
}

#[tokio::test]
async fn user_verification_required_refuses_a_presence_only_assertion() {
    let Some(target) = passkey_target("required").await else { return };
    let mut phone = device();
    let (username, _) = user_with_passkey(&target, &mut phone).await;
    let (session, options) = passkey_challenge(&target, &username).await;
    assert_eq!(options["userVerification"], "required");
    // The same passkey on an authenticator that does not verify the user.
    let mut careless = device_with(phone.authenticator().store().clone(), false, true);
    let request: webauthn::CredentialRequestOptions =
        serde_json::from_value(json!({"publicKey": options.clone()})).unwrap();
    match careless.authenticate(&origin(APP), request, None).await {
        // A client that refuses to go on without verification: nothing to send.
        Err(_) => {}
        Ok(assertion) => {
            let assertion = serde_json::to_value(assertion).unwrap();
            assert_eq!(sign_in_with(&target, &username, &session, &assertion).await, refused());
        }
    }
    // A verified one signs in.
    let (session, options) = passkey_challenge(&target, &username).await;
    let assertion = get(&mut phone, APP, options).await;
    sign_in_with(&target, &username, &session, &assertion).await.expect("a verified assertion signs in");
}

#[tokio::test]
async fn a_stranger_gets_a_passkey_decoy_that_never_signs_in() {
    let Some(target) = passkey_target("preferred").await else { return };
    let stranger = format!("stranger-{}", uuid::Uuid::new_v4());
    let mut found = None;
    for n in 0..64 {
        let name = format!("{stranger}-{n}");
        let start = user_auth(&target, &name, Some("WEB_AUTHN"), &[]).await.unwrap();
        if start.challenge_name == Some(ChallengeNameType::WebAuthn) {
            found = Some((name, start));
            break;
        }
    }
    let (name, start) = found.expect("some names get a WEB_AUTHN decoy");
    let options: Value =
        serde_json::from_str(&start.challenge_parameters().unwrap()["CREDENTIAL_REQUEST_OPTIONS"]).unwrap();
    assert_eq!(options["allowCredentials"].as_array().unwrap().len(), 1);
    let result = answer(
        &target,
        ChallengeNameType::WebAuthn,
        &start.session.unwrap(),
        &name,
        &[("CREDENTIAL", r#"{"id":"x","rawId":"x","type":"public-key","response":{}}"#)],
    )
    .await;
    assert_eq!(error_of(result), ("NotAuthorizedException".into(), "Incorrect username or password.".into()));
}
