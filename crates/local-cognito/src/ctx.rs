//! What every operation takes: the locked state, the time now, and the
//! emulator's keys, clock and address. Below every operation, so that none
//! reaches up to the emulator for them.

use crate::clock::Clock;
use crate::{keys, model};

/// The region local pool ids start with unless `Options::region` names another.
pub const REGION: &str = "us-east-1";

/// What an operation needs besides the state.
pub struct Env {
    pub clock: Clock,
    pub keys: keys::Keys,
    /// The emulator's own address: token issuers are `<base_url>/<poolId>`.
    pub base_url: String,
    /// The region this emulator stands for: pool ids, ARNs and device keys carry it.
    pub region: String,
}

/// An operation's view of the emulator: the locked state and the time now.
pub struct Ctx<'a> {
    pub state: &'a mut model::State,
    pub env: &'a Env,
    pub now: i64,
    print_outbox: bool,
    /// Tokens to sign once the lock is released (RSA is the slow part of a sign-in):
    /// their placeholders stand in the output until then.
    unsigned: Option<Vec<Unsigned>>,
    /// The pre sign-up trigger's response, for SignUp and AdminCreateUser.
    pub pre_sign_up: Option<serde_json::Value>,
    /// Messages held back until the lock is released, for the custom message
    /// trigger to write (None: straight to the outbox).
    pub held_messages: Option<Vec<model::Message>>,
}

/// A token's placeholder, its key and its claims.
pub type Unsigned = (String, keys::KeyUse, serde_json::Value);

impl<'a> Ctx<'a> {
    /// `unsigned`: Some to sign tokens after the lock is released, None to sign them now.
    pub fn new(
        state: &'a mut model::State,
        env: &'a Env,
        now: i64,
        print_outbox: bool,
        unsigned: Option<Vec<Unsigned>>,
    ) -> Self {
        Self { state, env, now, print_outbox, unsigned, pre_sign_up: None, held_messages: None }
    }

    /// The tokens still to sign, with their placeholders.
    pub fn take_unsigned(&mut self) -> Vec<Unsigned> {
        self.unsigned.take().unwrap_or_default()
    }

    /// A signed token: now, or a placeholder signed when the lock is released.
    pub fn sign(&mut self, key: keys::KeyUse, claims: serde_json::Value) -> String {
        match &mut self.unsigned {
            Some(unsigned) => {
                let placeholder = format!("\u{0}unsigned-token-{}", unsigned.len());
                unsigned.push((placeholder.clone(), key, claims));
                placeholder
            }
            None => self.env.keys.sign(key, &claims),
        }
    }

    /// Keeps a message Cognito would have sent (held back while the operation's
    /// messages are held, for the custom message trigger), and prints it when asked to.
    pub fn send(&mut self, message: model::Message) {
        match &mut self.held_messages {
            Some(held) => held.push(message),
            None => self.deliver(message),
        }
    }

    /// Puts a message in the outbox now.
    pub fn deliver(&mut self, message: model::Message) {
        if self.print_outbox {
            println!("[outbox] {} for {} to {}: {}", message.kind, message.username, message.destination, message.code);
        }
        self.state.outbox.push(message);
    }
}
