//! Devices remembered by the server. The API, not the client, holds each
//! device's password: it is derived from a server-held key, so it is never
//! stored and never leaves the function. From it come the SRP verifier and
//! salt that ConfirmDevice stores, and the device's SRP proof at sign-in
//! (computed by the aws-cognito-srp crate).

use aws_cognito_srp::{SrpClient, TrackedDevice};
use base64::engine::general_purpose::STANDARD;
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

/// A device as Cognito names it: its key and its group's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceId {
    pub key: String,
    pub group_key: String,
}

impl DeviceId {
    /// What the client keeps: `<DeviceKey>:<DeviceGroupKey>`, opaque to it.
    pub fn handle(&self) -> String {
        format!("{}:{}", self.key, self.group_key)
    }

    pub fn from_handle(handle: &str) -> Option<Self> {
        let (key, group_key) = handle.split_once(':')?;
        (!key.is_empty() && !group_key.is_empty() && !group_key.contains(':'))
            .then(|| Self { key: key.to_owned(), group_key: group_key.to_owned() })
    }

    /// The device's password: HMAC-SHA256 of the device, keyed by the server's device secret.
    pub fn password(&self, device_secret: &Secret) -> Secret {
        let mut mac = Hmac::<Sha256>::new_from_slice(device_secret.expose().as_bytes()).expect("any key length");
        mac.update(self.group_key.as_bytes());
        mac.update(b":");
        mac.update(self.key.as_bytes());
        Secret::new(STANDARD.encode(mac.finalize().into_bytes()))
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
        DeviceId { key: "us-east-1_6e1d0c4a-1c2b-4d3e-8f90-1a2b3c4d5e6f".into(), group_key: "-AbCdEfGh1".into() }
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
    fn handles_round_trip_and_passwords_depend_on_the_secret_and_the_device() {
        let device = device();
        assert_eq!(DeviceId::from_handle(&device.handle()), Some(device.clone()));
        assert_eq!(DeviceId::from_handle("no-group-key"), None);
        let (one, two) = (Secret::new("one"), Secret::new("two"));
        assert_eq!(device.password(&one), device.password(&one));
        assert_ne!(device.password(&one), device.password(&two));
        let other = DeviceId { key: "us-east-1_other".into(), ..device.clone() };
        assert_ne!(device.password(&one), other.password(&one));
    }
}
