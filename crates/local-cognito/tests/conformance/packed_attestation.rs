//! Passkey registration with `packed` attestation. W3C Web Authentication level 2
//! and 3, §8.2 "Packed Attestation Statement Format": attStmt `{alg, sig}` (self
//! attestation: `sig` by the credential's own private key over authenticatorData ||
//! SHA-256(clientDataJSON), `alg` the credential key's) or `{alg, sig, x5c}` (`sig`
//! by the attestation certificate's key, the certificate as §8.2.1 asks); §7.1
//! "Registering a new credential", steps 19 to 21 (verify attStmt, then judge its
//! trust by the relying party's policy). Cognito's side: CompleteWebAuthnRegistration
//! (API reference: `Credential`, the RegistrationResponseJSON; a passkey from an
//! "unsupported device or provider" is `WebAuthnCredentialNotSupportedException`).
//!
//! passkey-rs makes `none` attestation only, so these tests rewrite what it makes:
//! the authenticator data and the client data stay the authenticator's and the
//! browser's, `fmt` and `attStmt` are replaced, and the signature is made with the
//! credential's private key from passkey-rs's credential store (or another key).
//! The emulator's verifier sees a browser's RegistrationResponseJSON, unchanged in
//! every other field. A pool of its own settings: the emulator only.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ciborium::Value as Cbor;
use passkey_crypto::{CryptoBackend as _, SecretKeyT as _};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::passkeys::{
    complete, create, creation_options, device, get, passkey_challenge, passkey_target, sign_in_with, Device, APP,
};
use crate::passwordless::user_auth;
use crate::target::*;

/// ES256 (COSE algorithm -7) and RS256 (-257).
const ES256: i64 = -7;
const RS256: i64 = -257;

/// Bytes in the response: base64url, as browsers send them, or an array of numbers, as
/// passkey-rs serialises them (webauthn-rs-core takes both).
fn decode(bytes: &Value) -> Vec<u8> {
    match bytes {
        Value::String(text) => URL_SAFE_NO_PAD.decode(text).expect("base64url"),
        Value::Array(numbers) => {
            numbers.iter().map(|n| n.as_u64().and_then(|n| u8::try_from(n).ok()).expect("a byte")).collect()
        }
        other => panic!("bytes as {other}"),
    }
}

/// `bytes` in the form `like` has.
fn encode_like(like: &Value, bytes: &[u8]) -> Value {
    match like {
        Value::String(_) => Value::String(URL_SAFE_NO_PAD.encode(bytes)),
        _ => Value::Array(bytes.iter().map(|&b| Value::from(b)).collect()),
    }
}

/// The attestation object's map, CBOR-decoded.
fn attestation_object(credential: &Value) -> Vec<(Cbor, Cbor)> {
    let bytes = decode(&credential["response"]["attestationObject"]);
    let object: Cbor = ciborium::from_reader(bytes.as_slice()).expect("the attestation object is CBOR");
    object.into_map().expect("the attestation object is a map")
}

fn field<'a>(object: &'a [(Cbor, Cbor)], name: &str) -> &'a Cbor {
    object.iter().find(|(key, _)| key.as_text() == Some(name)).map(|(_, value)| value).expect(name)
}

/// What an attestation signature covers: authenticatorData || SHA-256(clientDataJSON).
fn signed_over(credential: &Value) -> Vec<u8> {
    let object = attestation_object(credential);
    let mut bytes = field(&object, "authData").as_bytes().expect("authData is bytes").clone();
    bytes.extend_from_slice(&Sha256::digest(decode(&credential["response"]["clientDataJSON"])));
    bytes
}

/// The same RegistrationResponseJSON with attestation `packed` and this attStmt; the
/// authenticator data is carried over byte for byte. The map's keys in CTAP2's
/// canonical order (fmt, attStmt, authData).
fn packed(credential: &Value, statement: Vec<(&str, Cbor)>) -> Value {
    let object = attestation_object(credential);
    let statement = statement.into_iter().map(|(key, value)| (Cbor::Text(key.to_owned()), value)).collect();
    let rewritten = Cbor::Map(vec![
        (Cbor::Text("fmt".into()), Cbor::Text("packed".into())),
        (Cbor::Text("attStmt".into()), Cbor::Map(statement)),
        (Cbor::Text("authData".into()), field(&object, "authData").clone()),
    ]);
    let mut bytes = Vec::new();
    ciborium::into_writer(&rewritten, &mut bytes).unwrap();
    let mut credential = credential.clone();
    credential["response"]["attestationObject"] = encode_like(&credential["response"]["attestationObject"], &bytes);
    credential
}

/// Self attestation: `{alg, sig}`, no certificate.
fn self_attested(credential: &Value, alg: i64, sig: Vec<u8>) -> Value {
    packed(credential, vec![("alg", Cbor::Integer(alg.into())), ("sig", Cbor::Bytes(sig))])
}

/// An ES256 signature (ASN.1 DER) by the private key of the one passkey `device` holds.
fn signed_by_credential(device: &Device, bytes: &[u8]) -> Vec<u8> {
    let passkey = device.authenticator().store().values().next().expect("the device holds the passkey");
    let mut key = passkey_crypto::AvailableSecretKey::from_cose_key(&passkey.key).expect("an ES256 key");
    key.sign(bytes)
}

/// An ES256 signature by a key that is not the credential's.
fn signed_by_another_key(bytes: &[u8]) -> Vec<u8> {
    let mut key = passkey_crypto::AvailableBackend
        .generate_key(passkey_crypto::iana::Algorithm::ES256)
        .expect("a fresh ES256 key");
    key.sign(bytes)
}

/// A user, their access token, and a passkey-rs registration (attestation `none`) for
/// the registration just started, not yet sent.
async fn started(target: &Target) -> (String, String, Device, Value) {
    let username = target.confirmed_user().await;
    let access_token = target.tokens(&username).await.access_token.unwrap();
    let mut phone = device();
    let options = creation_options(target, &access_token).await;
    let credential = create(&mut phone, APP, options).await;
    assert_eq!(field(&attestation_object(&credential), "fmt").as_text(), Some("none"), "passkey-rs attests none");
    (username, access_token, phone, credential)
}

async fn passkeys_of(target: &Target, access_token: &str) -> Vec<String> {
    let listed = target.sdk.list_web_authn_credentials().access_token(access_token).send().await.unwrap();
    listed.credentials().iter().map(|c| c.credential_id().to_owned()).collect()
}

/// Nothing registered: none listed, and WEB_AUTHN is not a factor the user has.
async fn assert_nothing_registered(target: &Target, username: &str, access_token: &str) {
    assert!(passkeys_of(target, access_token).await.is_empty(), "no passkey listed");
    let start = user_auth(target, username, None, &[]).await.unwrap();
    assert!(!start
        .available_challenges()
        .contains(&aws_sdk_cognitoidentityprovider::types::ChallengeNameType::WebAuthn));
}

/// How a test attests a registration: from the device that made it and its response.
type Attest = fn(&Device, &Value) -> Value;

fn not_supported() -> &'static str {
    "WebAuthnCredentialNotSupportedException"
}

#[tokio::test]
async fn packed_self_attestation_registers_and_the_passkey_signs_in() {
    let Some(target) = passkey_target("preferred").await else { return };
    let (username, access_token, mut phone, credential) = started(&target).await;
    let sig = signed_by_credential(&phone, &signed_over(&credential));
    let attested = self_attested(&credential, ES256, sig);
    assert_eq!(field(&attestation_object(&attested), "fmt").as_text(), Some("packed"));
    complete(&target, &access_token, &attested).await.expect("packed self attestation is accepted");
    assert_eq!(passkeys_of(&target, &access_token).await, vec![credential["id"].as_str().unwrap().to_owned()]);
    // The passkey so registered signs in.
    let (session, options) = passkey_challenge(&target, &username).await;
    let assertion = get(&mut phone, APP, options).await;
    sign_in_with(&target, &username, &session, &assertion).await.expect("signed in with the passkey");
}

#[tokio::test]
async fn attack_packed_self_attestation_with_a_wrong_signature_registers_nothing() {
    let Some(target) = passkey_target("preferred").await else { return };
    // Each forgery against a registration of its own (a refusal spends the registration).
    let forgeries: [(&str, Attest); 4] = [
        ("signed by another key", |_, credential| {
            self_attested(credential, ES256, signed_by_another_key(&signed_over(credential)))
        }),
        ("the credential's key over authenticatorData alone", |phone, credential| {
            let object = attestation_object(credential);
            let auth_data = field(&object, "authData").as_bytes().unwrap().clone();
            self_attested(credential, ES256, signed_by_credential(phone, &auth_data))
        }),
        ("the credential's key over another client data's hash", |phone, credential| {
            let mut other = credential.clone();
            let json = br#"{"type":"webauthn.create","challenge":"AAAA","origin":"http://localhost:5173"}"#;
            other["response"]["clientDataJSON"] = encode_like(&credential["response"]["clientDataJSON"], json);
            self_attested(credential, ES256, signed_by_credential(phone, &signed_over(&other)))
        }),
        // §8.2 step 4a: alg must be the credential public key's algorithm.
        ("a right signature under another alg", |phone, credential| {
            self_attested(credential, RS256, signed_by_credential(phone, &signed_over(credential)))
        }),
    ];
    for (forgery, forge) in forgeries {
        let (username, access_token, phone, credential) = started(&target).await;
        let (kind, _) = complete(&target, &access_token, &forge(&phone, &credential)).await.unwrap_err();
        assert_eq!(kind, not_supported(), "{forgery}");
        assert_nothing_registered(&target, &username, &access_token).await;
        // The refusal spent the registration: the genuine response no longer registers.
        let (kind, _) = complete(&target, &access_token, &credential).await.unwrap_err();
        assert_eq!(kind, "WebAuthnChallengeNotFoundException", "{forgery}");
        assert_nothing_registered(&target, &username, &access_token).await;
    }
}

/// An attestation key and its certificate, self-signed, as §8.2.1 asks of one: X.509
/// version 3, subject C, O, OU "Authenticator Attestation" (or `unit`), CN, basic
/// constraints CA false. No root anyone trusts: the emulator cannot verify its chain.
fn attestation_certificate(unit: &str) -> (openssl::pkey::PKey<openssl::pkey::Private>, Vec<u8>) {
    use openssl::{asn1, bn, ec, hash, nid, pkey, x509};
    let group = ec::EcGroup::from_curve_name(nid::Nid::X9_62_PRIME256V1).unwrap();
    let key = pkey::PKey::from_ec_key(ec::EcKey::generate(&group).unwrap()).unwrap();
    let mut name = x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("C", "US").unwrap();
    name.append_entry_by_text("O", "Conformance Test Authenticators").unwrap();
    name.append_entry_by_text("OU", unit).unwrap();
    name.append_entry_by_text("CN", "Conformance Test Attestation").unwrap();
    let name = name.build();
    let mut certificate = x509::X509Builder::new().unwrap();
    certificate.set_version(2).unwrap();
    let serial = bn::BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap();
    certificate.set_serial_number(&serial).unwrap();
    certificate.set_subject_name(&name).unwrap();
    certificate.set_issuer_name(&name).unwrap();
    certificate.set_pubkey(&key).unwrap();
    certificate.set_not_before(&asn1::Asn1Time::days_from_now(0).unwrap()).unwrap();
    certificate.set_not_after(&asn1::Asn1Time::days_from_now(365).unwrap()).unwrap();
    certificate.append_extension(x509::extension::BasicConstraints::new().critical().build().unwrap()).unwrap();
    certificate.sign(&key, hash::MessageDigest::sha256()).unwrap();
    (key, certificate.build().to_der().unwrap())
}

/// An ES256 signature (ASN.1 DER) by an openssl key.
fn signed_by(key: &openssl::pkey::PKey<openssl::pkey::Private>, bytes: &[u8]) -> Vec<u8> {
    let mut signer = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), key).unwrap();
    signer.sign_oneshot_to_vec(bytes).unwrap()
}

/// Full attestation: `{alg, sig, x5c: [the certificate]}`.
fn certificate_attested(credential: &Value, sig: Vec<u8>, certificate: Vec<u8>) -> Value {
    packed(
        credential,
        vec![
            ("alg", Cbor::Integer(ES256.into())),
            ("sig", Cbor::Bytes(sig)),
            ("x5c", Cbor::Array(vec![Cbor::Bytes(certificate)])),
        ],
    )
}

/// `packed` with an x5c chain that leads to no root the emulator knows. What Cognito
/// does with one is undocumented (its CredentialCreationOptions ask for no attestation,
/// and it names no trusted roots). The emulator decides as its verifier's policy does:
/// webauthn-rs-core is given no attestation CA list, so it checks the statement (§8.2
/// step 2: `sig` by the certificate's key over authenticatorData || clientDataHash,
/// the certificate as §8.2.1 asks) and does not judge the chain's trust (§7.1 steps
/// 20 and 21, the relying party's policy): a chain it cannot verify is taken as `none`
/// is, no more trusted and no less. A statement that does not verify is refused.
#[tokio::test]
async fn packed_with_a_certificate_chain_the_emulator_cannot_verify() {
    let Some(target) = passkey_target("preferred").await else { return };
    // A well-formed statement: accepted, and the passkey signs in.
    let (username, access_token, mut phone, credential) = started(&target).await;
    let (key, certificate) = attestation_certificate("Authenticator Attestation");
    let attested = certificate_attested(&credential, signed_by(&key, &signed_over(&credential)), certificate);
    complete(&target, &access_token, &attested).await.expect("an unverifiable chain is taken as none is");
    assert_eq!(passkeys_of(&target, &access_token).await, vec![credential["id"].as_str().unwrap().to_owned()]);
    let (session, options) = passkey_challenge(&target, &username).await;
    let assertion = get(&mut phone, APP, options).await;
    sign_in_with(&target, &username, &session, &assertion).await.expect("signed in with the passkey");
    // Statements that do not verify: refused, nothing registered.
    let refusals: [(&str, Attest); 2] = [
        ("signed by the credential's key, not the certificate's", |phone, credential| {
            let (_, certificate) = attestation_certificate("Authenticator Attestation");
            certificate_attested(credential, signed_by_credential(phone, &signed_over(credential)), certificate)
        }),
        ("a certificate without §8.2.1's OU", |_, credential| {
            let (key, certificate) = attestation_certificate("Sales");
            certificate_attested(credential, signed_by(&key, &signed_over(credential)), certificate)
        }),
    ];
    for (refusal, attest) in refusals {
        let (username, access_token, phone, credential) = started(&target).await;
        let (kind, _) = complete(&target, &access_token, &attest(&phone, &credential)).await.unwrap_err();
        assert_eq!(kind, not_supported(), "{refusal}");
        assert_nothing_registered(&target, &username, &access_token).await;
    }
}
