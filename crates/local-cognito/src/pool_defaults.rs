//! What DescribeUserPool shows beyond CreateUserPool's input: the standard
//! schema attributes every pool has, and Cognito's defaults for what the
//! input left out (API reference: DescribeUserPool's UserPoolType,
//! SchemaAttributeType, PasswordPolicyType, AdminCreateUserConfigType).

use serde_json::{json, Map, Value};

use crate::attributes::STANDARD;
use crate::model::Pool;

/// One standard attribute as Cognito describes it in a new pool.
fn standard(name: &str) -> Value {
    let string = |min: &str, max: &str, mutable: bool, required: bool| {
        json!({"Name": name, "AttributeDataType": "String", "DeveloperOnlyAttribute": false,
               "Mutable": mutable, "Required": required,
               "StringAttributeConstraints": {"MinLength": min, "MaxLength": max}})
    };
    match name {
        "sub" => string("1", "2048", false, true),
        "birthdate" => string("10", "10", true, false),
        "email_verified" | "phone_number_verified" => json!({"Name": name, "AttributeDataType": "Boolean",
            "DeveloperOnlyAttribute": false, "Mutable": true, "Required": false}),
        "updated_at" => json!({"Name": name, "AttributeDataType": "Number", "DeveloperOnlyAttribute": false,
            "Mutable": true, "Required": false, "NumberAttributeConstraints": {"MinValue": "0"}}),
        _ => string("0", "2048", true, false),
    }
}

/// The standard attributes (with what the pool's schema changed in them), then its custom ones.
pub fn schema(pool: &Pool) -> Vec<Value> {
    let mut described: Vec<Value> = STANDARD.iter().map(|name| standard(name)).collect();
    // `identities` is listed too: Cognito keeps federated identities in it.
    described.push(json!({"Name": "identities", "AttributeDataType": "String", "DeveloperOnlyAttribute": false,
        "Mutable": true, "Required": false, "StringAttributeConstraints": {}}));
    for attribute in &pool.settings.schema {
        let mut given = serde_json::to_value(attribute).expect("schema serialises");
        if STANDARD.contains(&attribute.name.as_str()) {
            let entry = described.iter_mut().find(|d| d["Name"] == attribute.name.as_str()).expect("standard");
            merge(entry, given);
            continue;
        }
        given["Name"] = json!(if attribute.developer_only_attribute == Some(true) {
            format!("dev:custom:{}", attribute.name)
        } else {
            format!("custom:{}", attribute.name)
        });
        described.push(given);
    }
    described
}

fn merge(target: &mut Value, given: Value) {
    if let (Some(target), Value::Object(given)) = (target.as_object_mut(), given) {
        target.extend(given);
    }
}

/// Cognito's defaults for the members CreateUserPool's input left out.
pub fn fill(described: &mut Map<String, Value>) {
    let policy = serde_json::to_value(crate::model::PasswordPolicy::default()).expect("serialises");
    let sign_in = json!({"AllowedFirstAuthFactors": ["PASSWORD"]});
    if let Some(policies) = described.get_mut("Policies").and_then(Value::as_object_mut) {
        policies.entry("SignInPolicy").or_insert(sign_in.clone());
    }
    let defaults = [
        ("Policies", json!({"PasswordPolicy": policy, "SignInPolicy": sign_in})),
        ("UserPoolTier", json!("ESSENTIALS")),
        ("AdminCreateUserConfig", json!({"AllowAdminCreateUserOnly": false, "UnusedAccountValidityDays": 7})),
        ("VerificationMessageTemplate", json!({"DefaultEmailOption": "CONFIRM_WITH_CODE"})),
        ("DeletionProtection", json!("INACTIVE")),
    ];
    for (key, value) in defaults {
        described.entry(key).or_insert(value);
    }
}
