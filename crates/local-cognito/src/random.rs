//! Random values from the operating system's generator (through aws-lc).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

pub fn bytes<const N: usize>() -> [u8; N] {
    let mut buffer = [0u8; N];
    aws_lc_rs::rand::fill(&mut buffer).expect("the system random generator works");
    buffer
}

/// A uniformly drawn number below `bound` (rejection sampling, no modulo bias).
pub fn below(bound: u32) -> u32 {
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let value = u32::from_be_bytes(bytes::<4>());
        if value < zone {
            return value % bound;
        }
    }
}

/// Six decimal digits, as Cognito's codes are.
pub fn code() -> String {
    format!("{:06}", below(1_000_000))
}

/// An opaque token: refresh tokens, sessions.
pub fn token(len_bytes: usize) -> String {
    let mut buffer = vec![0u8; len_bytes];
    aws_lc_rs::rand::fill(&mut buffer).expect("the system random generator works");
    URL_SAFE_NO_PAD.encode(buffer)
}

pub fn base64_bytes(len_bytes: usize) -> String {
    let mut buffer = vec![0u8; len_bytes];
    aws_lc_rs::rand::fill(&mut buffer).expect("the system random generator works");
    STANDARD.encode(buffer)
}

/// Alphanumeric identifiers such as pool ids and client ids.
pub fn alphanumeric(len: usize, alphabet: &[u8]) -> String {
    (0..len).map(|_| alphabet[below(alphabet.len() as u32) as usize] as char).collect()
}

pub const LOWER_DIGITS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
pub const MIXED_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
