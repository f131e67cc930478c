//! One route table: openapi.yaml and the crates under functions/ must agree
//! with it (and, through it, the local server, which serves the table).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use auth_api::error::ErrorCode;
use auth_api::routes::{Function, ROUTES};
use serde_norway::Value;

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_file(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn route_table() -> BTreeSet<(String, String, String)> {
    ROUTES.iter().map(|r| (r.method.to_string(), r.path.to_owned(), r.operation.operation_id().to_owned())).collect()
}

#[test]
fn openapi_documents_exactly_the_route_table() {
    let spec = yaml("openapi.yaml");
    let mut documented = BTreeSet::new();
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, operation) in item.as_mapping().expect("path item") {
            documented.insert((
                method.as_str().unwrap().to_uppercase(),
                path.as_str().unwrap().to_owned(),
                operation["operationId"].as_str().expect("operationId").to_owned(),
            ));
        }
    }
    assert_eq!(documented, route_table());
}

#[test]
fn openapi_lists_every_error_code() {
    let spec = yaml("openapi.yaml");
    let documented: BTreeSet<&str> = spec["components"]["schemas"]["ErrorCode"]["enum"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let codes: BTreeSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(documented, codes);
}

#[test]
fn every_function_has_a_crate_and_every_crate_a_function() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(repo_file("functions"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let declared: BTreeSet<String> = Function::ALL.iter().map(|f| f.crate_name().to_owned()).collect();
    assert_eq!(on_disk, declared);
    for function in Function::ALL {
        let main =
            std::fs::read_to_string(repo_file(&format!("functions/{}/src/main.rs", function.crate_name()))).unwrap();
        assert!(
            serves(&main, &format!("Function::{function:?}")),
            "{} serves Function::{function:?}",
            function.crate_name()
        );
        assert!(ROUTES.iter().any(|r| r.function == *function), "{function:?} serves a route");
    }
}

/// Whether `source` names `variant` as a whole token (not as a prefix of a longer name).
fn serves(source: &str, variant: &str) -> bool {
    source
        .match_indices(variant)
        .any(|(at, _)| !source[at + variant.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}
