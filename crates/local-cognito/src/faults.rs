//! Faults on demand (`/_local/faults`): an operation answers one of Cognito's
//! own errors, answers late, or drops the connection, for its next N calls or
//! a fraction of them. Nothing here is saved with the state: faults are a
//! test's, not the pool's.
//!
//! Which calls a fault strikes is decided here, under a lock of its own (never
//! the state's); what striking means on the wire is the server's (`server.rs`).

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// The errors a fault may answer, with the HTTP status Cognito's API (or the
/// AWS front end, for the common errors) answers them with. Cognito's own come
/// from the API reference's Errors section of each operation; the others from
/// the reference's "Common Errors" page. Each is one an AWS SDK's standard
/// retry mode retries (its throttling and transient lists, and every 5xx), or a
/// quota Cognito keeps per user or per account.
pub const ERRORS: &[(&str, u16)] = &[
    ("TooManyRequestsException", 400),
    ("LimitExceededException", 400),
    ("InternalErrorException", 500),
    ("CodeDeliveryFailureException", 400),
    ("ConcurrentModificationException", 400),
    ("UnexpectedLambdaException", 400),
    ("ThrottlingException", 400),
    ("ServiceUnavailable", 503),
    ("InternalFailure", 500),
];

/// What a fault does to a call it strikes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
pub enum Effect {
    /// Answers this Cognito error (with the default message unless one is given).
    Error { error: String, message: String, status: u16 },
    /// Holds the answer this long.
    Delay { delay_ms: u64 },
    /// Closes the connection without an answer (`drop` is always true).
    Drop { drop: bool },
}

/// `POST /_local/faults`, as sent.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Arm {
    operation: String,
    user_pool_id: Option<String>,
    error: Option<String>,
    message: Option<String>,
    delay_ms: Option<u64>,
    #[serde(default)]
    drop: bool,
    #[serde(default)]
    after_work: bool,
    count: Option<u32>,
    rate: Option<f64>,
    seed: Option<u64>,
}

/// An armed fault, as `GET /_local/faults` lists it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub id: u64,
    pub operation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    #[serde(flatten)]
    pub effect: Effect,
    /// Whether the operation's work is done before the fault strikes (the answer is
    /// then lost, late, or an error, though Cognito did the work).
    pub after_work: bool,
    /// Strikes left; None for every matching call until cleared.
    pub remaining: Option<u32>,
    /// The fraction of matching calls struck; None for every one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// The seed of the draws for `rate`: the same seed strikes the same calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Calls struck so far.
    pub struck: u32,
    /// Matching calls seen so far.
    pub seen: u32,
    #[serde(skip)]
    draws: Option<fastrand::Rng>,
}

/// What a call that a fault strikes gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Strike {
    pub effect: Effect,
    pub after_work: bool,
}

#[derive(Default)]
pub struct Faults(Mutex<Armed>);

#[derive(Default)]
struct Armed {
    next_id: u64,
    faults: Vec<Fault>,
}

impl Arm {
    /// The fault this request arms, or why it cannot be armed.
    pub fn fault(self, known_operation: impl Fn(&str) -> bool) -> Result<Fault, String> {
        if self.operation != "*" && !known_operation(&self.operation) {
            return Err(format!("the local Cognito does not implement {}", self.operation));
        }
        if self.message.is_some() && self.error.is_none() {
            return Err("message goes with error".to_owned());
        }
        let effect = match (self.error, self.delay_ms, self.drop) {
            (Some(error), None, false) => {
                let Some(&(name, status)) = ERRORS.iter().find(|(name, _)| *name == error) else {
                    let known: Vec<&str> = ERRORS.iter().map(|(name, _)| *name).collect();
                    return Err(format!("error must be one of {}", known.join(", ")));
                };
                let message = self.message.unwrap_or_else(|| default_message(name).to_owned());
                Effect::Error { error: name.to_owned(), message, status }
            }
            (None, Some(delay_ms), false) => Effect::Delay { delay_ms },
            (None, None, true) => Effect::Drop { drop: true },
            _ => return Err("give exactly one of error, delayMs and drop: true".to_owned()),
        };
        if let Some(rate) = self.rate {
            if !(rate > 0.0 && rate <= 1.0) {
                return Err("rate is a fraction of the calls: above 0, at most 1".to_owned());
            }
        }
        if self.count == Some(0) {
            return Err("count is at least 1 (leave it out for every call)".to_owned());
        }
        if self.seed.is_some() && self.rate.is_none() {
            return Err("seed goes with rate".to_owned());
        }
        let seed = self.rate.map(|_| self.seed.unwrap_or_else(|| u64::from_be_bytes(crate::random::bytes())));
        Ok(Fault {
            id: 0,
            operation: self.operation,
            user_pool_id: self.user_pool_id,
            effect,
            after_work: self.after_work,
            remaining: self.count,
            rate: self.rate,
            seed,
            struck: 0,
            seen: 0,
            draws: seed.map(fastrand::Rng::with_seed),
        })
    }
}

fn default_message(error: &str) -> &'static str {
    match error {
        "TooManyRequestsException" => "Too many requests",
        "LimitExceededException" => "Attempt limit exceeded, please try after some time.",
        "InternalErrorException" => "Internal error",
        "CodeDeliveryFailureException" => "Unable to deliver message",
        "ConcurrentModificationException" => "Concurrent modification",
        "UnexpectedLambdaException" => "Unexpected error when invoking lambda function",
        "ThrottlingException" => "Rate exceeded",
        "ServiceUnavailable" => "Service Unavailable",
        _ => "We encountered an internal error. Please try again.",
    }
}

impl Faults {
    /// Arms `fault`; answers it with its id.
    pub fn arm(&self, mut fault: Fault) -> Fault {
        let mut armed = self.lock();
        armed.next_id += 1;
        fault.id = armed.next_id;
        armed.faults.push(fault.clone());
        fault
    }

    pub fn is_empty(&self) -> bool {
        self.lock().faults.is_empty()
    }

    /// Every armed fault, oldest first.
    pub fn list(&self) -> Vec<Fault> {
        self.lock().faults.clone()
    }

    /// Disarms every fault (or the one with `id`); answers how many went.
    pub fn clear(&self, id: Option<u64>) -> usize {
        let mut armed = self.lock();
        let before = armed.faults.len();
        armed.faults.retain(|fault| id.is_some_and(|id| fault.id != id));
        before - armed.faults.len()
    }

    /// Whether a call of `operation` (for `pool`, when it names one) is struck, and how.
    /// The oldest armed fault that matches decides; one whose count is spent goes.
    pub fn strike(&self, operation: &str, pool: Option<&str>) -> Option<Strike> {
        let mut armed = self.lock();
        let faults = &mut armed.faults;
        let index = faults.iter().position(|fault| {
            (fault.operation == "*" || fault.operation == operation)
                && fault.user_pool_id.as_deref().is_none_or(|wanted| pool == Some(wanted))
        })?;
        let fault = &mut faults[index];
        fault.seen += 1;
        let drawn = match (&mut fault.draws, fault.rate) {
            (Some(draws), Some(rate)) => draws.f64() < rate,
            _ => true,
        };
        if !drawn {
            return None;
        }
        fault.struck += 1;
        let strike = Strike { effect: fault.effect.clone(), after_work: fault.after_work };
        if let Some(remaining) = &mut fault.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                faults.remove(index);
            }
        }
        Some(strike)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Armed> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(json: serde_json::Value) -> Result<Fault, String> {
        serde_json::from_value::<Arm>(json).map_err(|e| e.to_string())?.fault(|name| name != "Nope")
    }

    #[test]
    fn a_count_strikes_the_next_calls_and_then_disarms() {
        let faults = Faults::default();
        faults.arm(
            arm(serde_json::json!({"operation": "GetUser", "error": "TooManyRequestsException", "count": 2})).unwrap(),
        );
        assert!(faults.strike("AdminGetUser", None).is_none());
        assert!(faults.strike("GetUser", None).is_some());
        assert!(faults.strike("GetUser", None).is_some());
        assert!(faults.strike("GetUser", None).is_none());
        assert!(faults.list().is_empty());
    }

    #[test]
    fn a_rate_with_a_seed_strikes_the_same_calls_every_time() {
        let pattern = || {
            let faults = Faults::default();
            faults.arm(arm(serde_json::json!({"operation": "*", "drop": true, "rate": 0.3, "seed": 7})).unwrap());
            (0..200).map(|_| faults.strike("GetUser", None).is_some()).collect::<Vec<_>>()
        };
        let first = pattern();
        assert_eq!(first, pattern());
        let struck = first.iter().filter(|s| **s).count();
        assert!((30..=90).contains(&struck), "{struck} of 200 at a rate of 0.3");
    }

    #[test]
    fn a_pool_scoped_fault_strikes_only_that_pools_calls() {
        let faults = Faults::default();
        faults.arm(arm(serde_json::json!({"operation": "*", "userPoolId": "p1", "drop": true})).unwrap());
        assert!(faults.strike("GetUser", Some("p2")).is_none());
        assert!(faults.strike("GetUser", None).is_none());
        assert!(faults.strike("GetUser", Some("p1")).is_some());
    }

    #[test]
    fn what_cannot_be_armed_says_why() {
        for (json, why) in [
            (serde_json::json!({"operation": "Nope", "drop": true}), "does not implement"),
            (serde_json::json!({"operation": "GetUser", "error": "Boom"}), "error must be one of"),
            (serde_json::json!({"operation": "GetUser", "drop": true, "delayMs": 5}), "exactly one"),
            (serde_json::json!({"operation": "GetUser", "drop": true, "rate": 1.5}), "rate"),
            (serde_json::json!({"operation": "GetUser", "drop": true, "count": 0}), "count"),
            (serde_json::json!({"operation": "GetUser", "drop": true, "seed": 1}), "seed goes with rate"),
        ] {
            let error = arm(json).unwrap_err();
            assert!(error.contains(why), "{error}");
        }
    }
}
