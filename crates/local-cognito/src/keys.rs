//! The token signing keys: two RSA key pairs (ID and access tokens, distinct
//! `kid`s), generated when the emulator starts, never in source. Generation
//! runs in the background so that starting stays fast; the first signature
//! waits for it.

use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _, UnparsedPublicKey};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub struct SigningKey {
    pub kid: String,
    pair: KeyPair,
}

impl SigningKey {
    fn generate() -> Self {
        let pair = KeyPair::generate(KeySize::Rsa2048).expect("RSA key generation works");
        Self { kid: crate::random::token(32), pair }
    }

    fn from_stored(stored: &StoredKey) -> Option<Self> {
        let der = STANDARD.decode(&stored.pkcs8).ok()?;
        Some(Self { kid: stored.kid.clone(), pair: KeyPair::from_pkcs8(&der).ok()? })
    }

    fn to_stored(&self) -> StoredKey {
        let der = self.pair.as_der().expect("the key serialises");
        StoredKey { kid: self.kid.clone(), pkcs8: STANDARD.encode(der.as_ref()) }
    }

    /// A compact JWS (RS256) over `claims`.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(&signature::RSA_PKCS1_SHA256, &aws_lc_rs::rand::SystemRandom::new(), input.as_bytes(), &mut signature)
            .expect("signing works");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    fn verifies(&self, signed: &str, signature: &[u8]) -> bool {
        let public = self.pair.public_key();
        UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, public.as_ref())
            .verify(signed.as_bytes(), signature)
            .is_ok()
    }

    fn jwk(&self, token_use: &str) -> Value {
        let public = self.pair.public_key();
        json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "use": "sig",
            "token_use": token_use,
        })
    }
}

pub struct KeySet {
    pub id: SigningKey,
    pub access: SigningKey,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct StoredKey {
    kid: String,
    pkcs8: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct StoredKeys {
    id: StoredKey,
    access: StoredKey,
}

#[derive(Clone)]
pub struct Keys(Arc<OnceLock<KeySet>>);

impl Keys {
    /// New keys, generated on a background thread.
    pub fn generate() -> Self {
        let keys = Self(Arc::new(OnceLock::new()));
        let background = keys.clone();
        std::thread::spawn(move || {
            background.get();
        });
        keys
    }

    pub fn restore(stored: &StoredKeys) -> Option<Self> {
        let set = KeySet { id: SigningKey::from_stored(&stored.id)?, access: SigningKey::from_stored(&stored.access)? };
        Some(Self(Arc::new(OnceLock::from(set))))
    }

    pub fn store(&self) -> StoredKeys {
        let set = self.get();
        StoredKeys { id: set.id.to_stored(), access: set.access.to_stored() }
    }

    pub fn get(&self) -> &KeySet {
        self.0.get_or_init(|| KeySet { id: SigningKey::generate(), access: SigningKey::generate() })
    }

    pub fn jwks(&self) -> Value {
        let set = self.get();
        json!({"keys": [set.id.jwk("id"), set.access.jwk("access")]})
    }

    /// The claims of a token signed by one of these keys, or None.
    pub fn verify(&self, token: &str) -> Option<Value> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        let set = self.get();
        let key = [&set.id, &set.access].into_iter().find(|key| header["kid"] == key.kid.as_str())?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let signed_part = &token[..token.len() - token.rsplit('.').next()?.len() - 1];
        if !key.verifies(signed_part, &signature) {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}
