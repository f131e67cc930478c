//! A user's device for passkey tests: 1Password's passkey-rs as the authenticator (a
//! platform keychain whose passkeys are discoverable) and as the browser's WebAuthn
//! client in front of it, speaking the JSON browsers send (binary fields base64url).

use std::collections::HashMap;

use passkey_authenticator::{
    Authenticator, CredentialStore, DiscoverabilitySupport, StoreInfo, UiHint, UserCheck, UserValidationMethod,
};
use passkey_client::Client;
use passkey_types::ctap2::make_credential::{Options, PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity};
use passkey_types::ctap2::{Ctap2Error, StatusCode};
use passkey_types::webauthn::PublicKeyCredentialDescriptor;
use passkey_types::{ctap2, webauthn, Passkey};
use serde_json::{json, Value};

/// The web app's origin: the relying party `localhost` (PASSWORDLESS=1 make dev's) allows it.
pub const APP: &str = "http://localhost:5173";

/// A person at the authenticator: present, and verified.
pub struct Person;

#[async_trait::async_trait]
impl UserValidationMethod for Person {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, ctap2::Ctap2Error> {
        Ok(UserCheck { presence, verification })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// A platform authenticator's keychain: its passkeys are discoverable, found by relying
/// party when the options name none (passkey-rs's MemoryStore finds only those named).
#[derive(Clone, Default)]
pub struct Keychain(HashMap<Vec<u8>, Passkey>);

impl Keychain {
    pub fn of(passkey: Passkey) -> Self {
        Self(HashMap::from([(passkey.credential_id.to_vec(), passkey)]))
    }
}

#[async_trait::async_trait]
impl CredentialStore for Keychain {
    type PasskeyItem = Passkey;

    async fn find_credentials(
        &self,
        allowed: Option<&[PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        _user_handle: Option<&[u8]>,
    ) -> Result<Vec<Passkey>, StatusCode> {
        let named = |passkey: &Passkey| {
            allowed.is_none_or(|ids| ids.is_empty() || ids.iter().any(|d| *d.id == *passkey.credential_id))
        };
        let found: Vec<Passkey> = self.0.values().filter(|p| p.rp_id == rp_id && named(p)).cloned().collect();
        if found.is_empty() {
            return Err(Ctap2Error::NoCredentials.into());
        }
        Ok(found)
    }

    async fn save_credential(
        &mut self,
        passkey: Passkey,
        _user: PublicKeyCredentialUserEntity,
        _rp: PublicKeyCredentialRpEntity,
        _options: Options,
    ) -> Result<(), StatusCode> {
        self.0.insert(passkey.credential_id.to_vec(), passkey);
        Ok(())
    }

    async fn update_credential(&mut self, passkey: &Passkey) -> Result<(), StatusCode> {
        self.0.insert(passkey.credential_id.to_vec(), passkey.clone());
        Ok(())
    }

    async fn get_info(&self) -> StoreInfo {
        StoreInfo { discoverability: DiscoverabilitySupport::ForcedDiscoverable }
    }
}

pub type Device = Client<Keychain, Person, passkey_crypto::AvailableBackend, public_suffix::PublicSuffixList, ()>;

pub fn device_with(store: Keychain) -> Device {
    let mut authenticator =
        Authenticator::new(ctap2::Aaguid::new_empty(), store, Person, passkey_crypto::AvailableBackend);
    authenticator.set_make_credentials_with_signature_counter(true);
    Client::new(authenticator).allows_insecure_localhost(true)
}

pub fn device() -> Device {
    device_with(Keychain::default())
}

/// The one passkey a device holds.
pub fn only_passkey(device: &Device) -> Passkey {
    device.authenticator().store().0.values().next().expect("a passkey on the device").clone()
}

/// navigator.credentials.create at `origin` with the API's options: RegistrationResponseJSON.
pub async fn create(device: &mut Device, origin: &str, options: &Value) -> Value {
    let request: webauthn::CredentialCreationOptions =
        serde_json::from_value(json!({"publicKey": options})).expect("the API's options parse as WebAuthn's");
    let created = device.register(&url::Url::parse(origin).unwrap(), request, None).await.expect("a passkey made");
    serde_json::to_value(created).unwrap()
}

/// navigator.credentials.get at `origin` with the API's options: AuthenticationResponseJSON.
pub async fn get(device: &mut Device, origin: &str, options: &Value) -> Value {
    let request: webauthn::CredentialRequestOptions =
        serde_json::from_value(json!({"publicKey": options})).expect("the API's options parse as WebAuthn's");
    let signed = device.authenticate(&url::Url::parse(origin).unwrap(), request, None).await.expect("an assertion");
    serde_json::to_value(signed).unwrap()
}
