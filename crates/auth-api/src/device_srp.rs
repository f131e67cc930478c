//! Devices remembered by the server. The API, not the client, holds each
//! device's password: it is derived from a server-held key, so it is never
//! stored and never leaves the function. From it come the SRP verifier and
//! salt that ConfirmDevice stores, and the device's SRP proof at sign-in
//! (computed by the aws-cognito-srp crate).

use aws_cognito_srp::{SrpClient, TrackedDevice};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};

use crate::config::Secret;

/// The 3072-bit group of RFC 5054 with g = 2, as Cognito uses it.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The handle's layout version (its first byte).
const HANDLE_VERSION: u8 = 1;
const NONCE_BYTES: usize = 16;
const TAG_BYTES: usize = 32;
/// The longest handle read: Cognito's keys are at most 55 characters, group keys short.
pub const MAX_HANDLE_CHARS: usize = 512;
/// Each use of DEVICE_SECRET has its own label, so a handle's MAC can never
/// stand for a device password, nor the reverse.
const PASSWORD_LABEL: &[u8] = b"auth-api/device-password/v1\0";
const HANDLE_LABEL: &[u8] = b"auth-api/device-handle/v1\0";

/// A device as Cognito names it (its key and its group's key), and the
/// random nonce its password was made with when the server confirmed it.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceId {
    pub key: String,
    pub group_key: String,
    nonce: [u8; NONCE_BYTES],
}

/// Without the nonce: with the device secret it would make the password.
impl std::fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceId").field("key", &self.key).field("group_key", &self.group_key).finish_non_exhaustive()
    }
}

impl DeviceId {
    /// A device Cognito has just issued, with a fresh nonce.
    pub fn new(key: &str, group_key: &str) -> Self {
        let mut nonce = [0u8; NONCE_BYTES];
        aws_lc_rs::rand::fill(&mut nonce).expect("the system random generator works");
        Self { key: key.to_owned(), group_key: group_key.to_owned(), nonce }
    }

    /// What the client keeps, opaque to it: URL-safe base64 of
    /// `version | nonce | len(key) | key | groupKey | MAC`, the MAC keyed by
    /// the device secret. Only the server can make one, or read one back.
    pub fn handle(&self, device_secret: &Secret) -> String {
        let mut bytes = self.body();
        let tag = keyed(device_secret, HANDLE_LABEL).chain_update(&bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The device a handle names, if this server made it (the MAC holds);
    /// None for anything else, forged, altered, or of the old `key:groupKey` form.
    pub fn from_handle(handle: &str, device_secret: &Secret) -> Option<Self> {
        if handle.len() > MAX_HANDLE_CHARS {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(handle).ok()?;
        let (body, tag) = bytes.split_at_checked(bytes.len().checked_sub(TAG_BYTES)?)?;
        // Constant-time: a wrong MAC tells nothing about the right one.
        keyed(device_secret, HANDLE_LABEL).chain_update(body).verify_slice(tag).ok()?;
        let (&version, rest) = body.split_first()?;
        let (nonce, rest) = rest.split_at_checked(NONCE_BYTES)?;
        let (&key_len, rest) = rest.split_first()?;
        let (key, group_key) = rest.split_at_checked(usize::from(key_len))?;
        let (key, group_key) = (std::str::from_utf8(key).ok()?, std::str::from_utf8(group_key).ok()?);
        (version == HANDLE_VERSION && !key.is_empty() && !group_key.is_empty()).then(|| Self {
            key: key.to_owned(),
            group_key: group_key.to_owned(),
            nonce: nonce.try_into().expect("split at NONCE_BYTES"),
        })
    }

    /// The handle without its MAC.
    fn body(&self) -> Vec<u8> {
        let key_len = u8::try_from(self.key.len()).expect("Cognito's device keys are at most 55 characters");
        [&[HANDLE_VERSION][..], &self.nonce, &[key_len], self.key.as_bytes(), self.group_key.as_bytes()].concat()
    }

    /// The device's password: an HMAC, keyed by the server's device secret,
    /// of the device and its nonce. Never stored: the handle carries the nonce.
    pub fn password(&self, device_secret: &Secret) -> Secret {
        let mac = keyed(device_secret, PASSWORD_LABEL).chain_update(self.body()).finalize();
        Secret::new(STANDARD.encode(mac.into_bytes()))
    }

    /// ConfirmDevice's PasswordVerifier and Salt (base64), for `password` and `salt`:
    /// v = g^x mod N, x = H(salt | H(groupKey | key | ":" | password)).
    pub fn verifier(&self, password: &Secret, salt: &[u8]) -> (String, String) {
        let identity = Sha256::new()
            .chain_update(self.group_key.as_bytes())
            .chain_update(self.key.as_bytes())
            .chain_update(b":")
            .chain_update(password.expose().as_bytes())
            .finalize();
        let x = BigUint::from_bytes_be(&Sha256::new().chain_update(padded(salt)).chain_update(identity).finalize());
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N is hex");
        let v = BigUint::from(2u8).modpow(&x, &n);
        (STANDARD.encode(padded(&v.to_bytes_be())), STANDARD.encode(salt))
    }

    /// The SRP client that answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER.
    pub fn srp_client(&self, pool_id: &str, client_id: &str, password: &Secret) -> SrpClient<TrackedDevice> {
        SrpClient::new(TrackedDevice::new(pool_id, &self.group_key, &self.key, password.expose()), client_id, None)
    }
}

/// HMAC-SHA256 under the device secret, for one use (`label`).
fn keyed(device_secret: &Secret, label: &[u8]) -> Hmac<Sha256> {
    let mac = Hmac::<Sha256>::new_from_slice(device_secret.expose().as_bytes()).expect("any key length");
    mac.chain_update(label)
}

/// A fresh salt: sixteen random bytes, as hex text (what Cognito's SDKs send).
pub fn new_salt() -> Vec<u8> {
    uuid::Uuid::new_v4().simple().to_string().into_bytes()
}

/// Big-endian with a 0x00 in front when the high bit is set, as Cognito's SRP hashes them.
fn padded(bytes: &[u8]) -> Vec<u8> {
    if bytes.first().is_some_and(|b| *b >= 0x80) {
        [&[0u8][..], bytes].concat()
    } else {
        bytes.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_cognito_srp::UntrackedDevice;

    fn device() -> DeviceId {
        DeviceId::new("us-east-1_6e1d0c4a-1c2b-4d3e-8f90-1a2b3c4d5e6f", "-AbCdEfGh1")
    }

    /// The independent implementation makes a verifier with a random password and
    /// salt; ours must make the same one from the same password and salt.
    #[test]
    fn the_verifier_matches_aws_cognito_srps() {
        let device = device();
        let theirs =
            SrpClient::new(UntrackedDevice::new("us-east-1_pool", &device.group_key, &device.key), "client", None)
                .get_password_verifier();
        let salt = STANDARD.decode(&theirs.salt).unwrap();
        let (verifier, salt_back) = device.verifier(&Secret::new(theirs.password.clone()), &salt);
        assert_eq!(verifier, theirs.verifier);
        assert_eq!(salt_back, theirs.salt);
    }

    #[test]
    fn a_handle_round_trips_and_is_opaque_url_safe_and_bounded() {
        let (device, secret) = (device(), Secret::new("device secret"));
        let handle = device.handle(&secret);
        assert_eq!(DeviceId::from_handle(&handle, &secret), Some(device.clone()));
        assert!(handle.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{handle}");
        assert!(handle.len() <= MAX_HANDLE_CHARS && !handle.contains(&device.key) && !handle.contains(':'));
    }

    #[test]
    fn a_tampered_handle_or_one_made_with_another_secret_names_no_device() {
        let (device, secret) = (device(), Secret::new("device secret"));
        let handle = device.handle(&secret);
        assert_eq!(DeviceId::from_handle(&handle, &Secret::new("another secret")), None);
        assert_eq!(DeviceId::from_handle(&device.handle(&Secret::new("another secret")), &secret), None);
        // Every single bit flipped, anywhere (MAC included), is refused.
        let bytes = URL_SAFE_NO_PAD.decode(&handle).unwrap();
        for index in 0..bytes.len() {
            for bit in 0..8 {
                let mut altered = bytes.clone();
                altered[index] ^= 1 << bit;
                assert_eq!(DeviceId::from_handle(&URL_SAFE_NO_PAD.encode(altered), &secret), None, "{index}:{bit}");
            }
        }
        // Truncated, extended, the old unsigned form, and a forged body with a made-up MAC.
        assert_eq!(DeviceId::from_handle(&handle[..handle.len() - 4], &secret), None);
        assert_eq!(DeviceId::from_handle(&format!("{handle}AAAA"), &secret), None);
        assert_eq!(DeviceId::from_handle(&format!("{}:{}", device.key, device.group_key), &secret), None);
        let forged = [device.body(), vec![0u8; TAG_BYTES]].concat();
        assert_eq!(DeviceId::from_handle(&URL_SAFE_NO_PAD.encode(forged), &secret), None);
        assert_eq!(DeviceId::from_handle("", &secret), None);
        assert_eq!(DeviceId::from_handle(&"A".repeat(MAX_HANDLE_CHARS + 4), &secret), None);
    }

    #[test]
    fn passwords_depend_on_the_secret_the_device_and_its_nonce() {
        let device = device();
        let (one, two) = (Secret::new("one"), Secret::new("two"));
        assert_eq!(device.password(&one), device.password(&one));
        assert_ne!(device.password(&one), device.password(&two));
        let other = DeviceId { key: "us-east-1_other".into(), ..device.clone() };
        assert_ne!(device.password(&one), other.password(&one));
        // The same device confirmed twice gets two nonces, so two passwords.
        let again = DeviceId::new(&device.key, &device.group_key);
        assert_ne!(device.password(&one), again.password(&one));
    }

    #[test]
    fn the_handles_mac_is_not_the_device_password() {
        // Domain separation: the MAC a client holds never reveals the password.
        let (device, secret) = (device(), Secret::new("device secret"));
        let bytes = URL_SAFE_NO_PAD.decode(device.handle(&secret)).unwrap();
        let tag = &bytes[bytes.len() - TAG_BYTES..];
        assert_ne!(STANDARD.encode(tag), device.password(&secret).expose());
    }
}
