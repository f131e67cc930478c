//! One call of a Cognito operation, with its triggers outside the state lock
//! and its tokens signed after the lock is released.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::emulator::Emulator;
use crate::error::CognitoError;
use crate::{custom_message, migration, triggers};

impl Emulator {
    /// Runs the Cognito operation `name`, with its triggers outside the lock:
    /// pre sign-up or user migration first, then the operation (a migrated user
    /// created first), then the custom message trigger on each message it sent,
    /// then pre token generation on each ID token before tokens are signed, then
    /// post confirmation.
    pub(crate) async fn run(
        &self,
        name: &str,
        input: Value,
        operation: impl FnOnce(&mut Ctx, Value) -> Result<Value, CognitoError>,
    ) -> Result<Value, CognitoError> {
        let pre_sign_up = triggers::before(self, name, &input).await?;
        let migrated = migration::before(self, name, &input).await?;
        // Only a confirming operation needs its input again, for post confirmation.
        let confirmation = triggers::confirmation_source(name).map(|source| (source, input.clone()));
        // Messages go through the custom message trigger, which reads the input too.
        let metadata = json!({"ClientId": input.get("ClientId"), "ClientMetadata": input.get("ClientMetadata")});
        let ((result, messages), mut unsigned) = self.locked(Some(Vec::new()), |ctx| {
            ctx.pre_sign_up = pre_sign_up;
            ctx.held_messages = Some(Vec::new());
            let result = match migrated.map(|user| migration::create(ctx, user)) {
                Some(Err(error)) => Err(error),
                _ => operation(ctx, input),
            };
            (result, ctx.held_messages.take().unwrap_or_default())
        });
        let mut written = Ok(());
        for mut message in messages {
            match custom_message::write(self, name, &metadata, &mut message).await {
                Ok(()) => self.with_state(|ctx| ctx.deliver(message)),
                Err(error) => written = Err(error),
            }
        }
        let mut output = result?;
        written?;
        for (_, _, claims) in unsigned.iter_mut().filter(|(_, _, claims)| claims["token_use"] == "id") {
            triggers::pre_token_generation(self, name, claims).await?;
        }
        if !unsigned.is_empty() {
            let signed: HashMap<String, String> = unsigned
                .into_iter()
                .map(|(placeholder, key, claims)| (placeholder, self.env().keys.sign(key, &claims)))
                .collect();
            fill_placeholders(&mut output, &signed);
        }
        if let Some((source, input)) = confirmation {
            triggers::after(self, source, &input).await?;
        }
        Ok(output)
    }
}

fn fill_placeholders(value: &mut Value, signed: &HashMap<String, String>) {
    match value {
        Value::String(text) => {
            if let Some(token) = signed.get(text.as_str()) {
                *text = token.clone();
            }
        }
        Value::Object(map) => map.values_mut().for_each(|v| fill_placeholders(v, signed)),
        Value::Array(list) => list.iter_mut().for_each(|v| fill_placeholders(v, signed)),
        _ => {}
    }
}
