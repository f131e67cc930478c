//! Lambda's on-demand price, arm64, US East (N. Virginia), first pricing tier
//! (the first 7.5 billion GB-s a month), as on aws.amazon.com/lambda/pricing
//! (read 2026-11; check it before relying on the totals). Duration is billed
//! per millisecond, rounded up, init included ("duration charges apply to code
//! that runs in the handler of a function as well as initialization code").

pub const PRICE_PER_GB_SECOND: f64 = 0.000_013_333_4;
pub const PRICE_PER_MILLION_REQUESTS: f64 = 0.20;
pub const PRICE_SOURCE: &str = "arm64, us-east-1, first tier: $0.0000133334 per GB-s, $0.20 per million requests";

/// US dollars for a million invocations of `billed_ms` each at `mb`.
pub fn per_million(mb: u32, duration_ms: f64) -> f64 {
    let billed_ms = duration_ms.ceil().max(1.0);
    let gb_seconds = f64::from(mb) / 1024.0 * billed_ms / 1000.0;
    gb_seconds * PRICE_PER_GB_SECOND * 1_000_000.0 + PRICE_PER_MILLION_REQUESTS
}
