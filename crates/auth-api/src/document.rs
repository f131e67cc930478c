//! JSON as the SDK carries it: WebAuthn's options and credentials travel as Smithy
//! documents (CredentialCreationOptions, Credential), the API's bodies as serde_json.

use std::collections::HashMap;

use aws_smithy_types::{Document, Number};
use serde_json::Value;

pub fn to_json(document: &Document) -> Value {
    match document {
        Document::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        Document::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Document::Number(Number::PosInt(n)) => Value::from(*n),
        Document::Number(Number::NegInt(n)) => Value::from(*n),
        Document::Number(Number::Float(f)) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Document::String(s) => Value::String(s.clone()),
        Document::Bool(b) => Value::Bool(*b),
        Document::Null => Value::Null,
    }
}

pub fn from_json(value: &Value) -> Document {
    match value {
        Value::Object(map) => {
            Document::Object(map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect::<HashMap<_, _>>())
        }
        Value::Array(items) => Document::Array(items.iter().map(from_json).collect()),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Number::PosInt(u),
            (None, Some(i)) => Number::NegInt(i),
            _ => Number::Float(n.as_f64().unwrap_or_default()),
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Bool(b) => Document::Bool(*b),
        Value::Null => Document::Null,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_goes_through_a_document_unchanged() {
        let json = serde_json::json!({"id": "abc", "response": {"n": [1, -2, 2.5, true, null]}});
        assert_eq!(super::to_json(&super::from_json(&json)), json);
    }
}
