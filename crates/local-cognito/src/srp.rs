//! The server side of Cognito's device SRP (SRP-6a, SHA-256, the 3072-bit
//! group of RFC 5054), over num-bigint. The device proves it holds the
//! password behind the verifier ConfirmDevice stored, without sending it.
//!
//! Cognito's conventions, as its SDKs implement them: byte strings are
//! big-endian with a 0x00 prepended when the high bit is set; k = H(N | g);
//! u = H(A | B); the session key is HKDF(ikm = S, salt = u,
//! info = "Caldera Derived Key", 16 bytes); the claim is
//! HMAC(key, deviceGroupKey | deviceKey | secretBlock | timestamp).

use std::sync::LazyLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};

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

static N: LazyLock<BigUint> = LazyLock::new(|| BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N is hex"));
static G: LazyLock<BigUint> = LazyLock::new(|| BigUint::from(2u8));
static K: LazyLock<BigUint> = LazyLock::new(|| hash_to_int(&[&padded(&N), &padded(&G)]));

/// Big-endian, with a 0x00 in front when the high bit is set (Java's BigInteger.toByteArray).
fn padded(value: &BigUint) -> Vec<u8> {
    let bytes = value.to_bytes_be();
    if bytes.first().is_some_and(|b| *b >= 0x80) {
        [&[0u8][..], &bytes].concat()
    } else {
        bytes
    }
}

fn hash_to_int(parts: &[&[u8]]) -> BigUint {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
    }
    BigUint::from_bytes_be(&hash.finalize())
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// The server's ephemeral pair for one DEVICE_SRP_AUTH: (b, B) in hex.
/// Fails when the stored verifier is not base64.
pub fn server_ephemeral(verifier_base64: &str) -> Option<(String, String)> {
    let v = BigUint::from_bytes_be(&STANDARD.decode(verifier_base64).ok()?);
    loop {
        let b = BigUint::from_bytes_be(&crate::random::bytes::<32>());
        let big_b = (&*K * &v + G.modpow(&b, &N)) % &*N;
        if big_b != BigUint::ZERO {
            return Some((b.to_str_radix(16), big_b.to_str_radix(16)));
        }
    }
}

/// The SALT challenge parameter: the stored salt's bytes, in hex.
pub fn salt_hex(salt_base64: &str) -> Option<String> {
    let bytes = STANDARD.decode(salt_base64).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub struct Claim<'a> {
    pub verifier_base64: &'a str,
    pub b_hex: &'a str,
    pub big_b_hex: &'a str,
    pub big_a_hex: &'a str,
    pub device_group_key: &'a str,
    pub device_key: &'a str,
    pub secret_block_base64: &'a str,
    pub timestamp: &'a str,
}

/// The PASSWORD_CLAIM_SIGNATURE a device holding the right password sends, or None
/// when A is unusable (A mod N = 0, or not hex).
pub fn expected_signature(claim: &Claim) -> Option<String> {
    let parse = |hex: &str| BigUint::parse_bytes(hex.as_bytes(), 16);
    let big_a = parse(claim.big_a_hex)?;
    if (&big_a % &*N) == BigUint::ZERO {
        return None;
    }
    let (b, big_b) = (parse(claim.b_hex)?, parse(claim.big_b_hex)?);
    let v = BigUint::from_bytes_be(&STANDARD.decode(claim.verifier_base64).ok()?);
    let u = hash_to_int(&[&padded(&big_a), &padded(&big_b)]);
    let s = (big_a * v.modpow(&u, &N)).modpow(&b, &N);
    let pseudo_random_key = hmac(&padded(&u), &[&padded(&s)]);
    let key = &hmac(&pseudo_random_key, &[b"Caldera Derived Key", &[1]])[..16];
    let secret_block = STANDARD.decode(claim.secret_block_base64).ok()?;
    let signature = hmac(
        key,
        &[claim.device_group_key.as_bytes(), claim.device_key.as_bytes(), &secret_block, claim.timestamp.as_bytes()],
    );
    Some(STANDARD.encode(signature))
}

/// A verifier and salt as a device computes them for ConfirmDevice (for
/// seeding and for this module's own test; the conformance tests use an
/// independent client implementation).
pub fn verifier_for(device_group_key: &str, device_key: &str, password: &str, salt: &[u8]) -> (String, String) {
    let identity = Sha256::new().chain_update(format!("{device_group_key}{device_key}:{password}")).finalize();
    let x = hash_to_int(&[salt, &identity]);
    let v = G.modpow(&x, &N);
    (STANDARD.encode(padded(&v)), STANDARD.encode(salt))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plays the device with the textbook client formula S = (B - k g^x)^(a + u x).
    #[test]
    fn a_device_with_the_right_password_produces_the_expected_signature() {
        let (group, device, password, salt) = ("group-key", "us-east-1_device", "device-password", b"0123456789abcdef");
        let (verifier, _) = verifier_for(group, device, password, salt);
        let (b_hex, big_b_hex) = server_ephemeral(&verifier).unwrap();
        let a = BigUint::from_bytes_be(&[7u8; 32]);
        let big_a = G.modpow(&a, &N);
        let big_b = BigUint::parse_bytes(big_b_hex.as_bytes(), 16).unwrap();
        let u = hash_to_int(&[&padded(&big_a), &padded(&big_b)]);
        let identity = Sha256::new().chain_update(format!("{group}{device}:{password}")).finalize();
        let x = hash_to_int(&[salt, &identity]);
        let base = (&big_b + &*N * &*K - (&*K * G.modpow(&x, &N)) % &*N) % &*N;
        let s = base.modpow(&(a + u.clone() * x), &N);
        let key = &hmac(&hmac(&padded(&u), &[&padded(&s)]), &[b"Caldera Derived Key", &[1]])[..16];
        let block = STANDARD.encode(b"secret block");
        let timestamp = "Mon Nov 23 16:00:00 UTC 2026";
        let client_signature =
            STANDARD.encode(hmac(key, &[group.as_bytes(), device.as_bytes(), b"secret block", timestamp.as_bytes()]));

        let claim = Claim {
            verifier_base64: &verifier,
            b_hex: &b_hex,
            big_b_hex: &big_b_hex,
            big_a_hex: &big_a.to_str_radix(16),
            device_group_key: group,
            device_key: device,
            secret_block_base64: &block,
            timestamp,
        };
        assert_eq!(expected_signature(&claim), Some(client_signature));
        let wrong = verifier_for(group, device, "another password", salt).0;
        assert_ne!(expected_signature(&Claim { verifier_base64: &wrong, ..claim }), expected_signature(&claim));
    }

    #[test]
    fn a_zero_a_is_refused() {
        let (verifier, _) = verifier_for("g", "d", "p", b"salt");
        let (b, big_b) = server_ephemeral(&verifier).unwrap();
        let claim = Claim {
            verifier_base64: &verifier,
            b_hex: &b,
            big_b_hex: &big_b,
            big_a_hex: N_HEX,
            device_group_key: "g",
            device_key: "d",
            secret_block_base64: "",
            timestamp: "",
        };
        assert_eq!(expected_signature(&claim), None);
    }
}
