//! Every walkthrough in the docs, run as a reader would follow it: `make dev` with
//! the walkthrough's settings, then each command, whose output must be what the
//! document shows (`...` elides). See docs/tests.md.

use integration_tests::walkthrough::{repository_root, run_document, transcript};

/// The documents with walkthroughs; `every_walkthrough_is_run` keeps this list whole.
const DOCUMENTS: [&str; 3] = ["docs/local-stack.md", "docs/triggers.md", "docs/passwordless.md"];

fn run(doc: &str) {
    match run_document(doc) {
        Ok(0) => panic!("{doc} has no walkthrough: take it out of DOCUMENTS"),
        Ok(_) => {}
        Err(failure) => panic!("{failure}"),
    }
}

#[test]
fn local_stack() {
    run("docs/local-stack.md");
}

#[test]
fn triggers() {
    run("docs/triggers.md");
}

#[test]
fn passwordless() {
    run("docs/passwordless.md");
}

#[test]
fn every_walkthrough_is_run() {
    let root = repository_root();
    let mut documents: Vec<String> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|entry| format!("docs/{}", entry.expect("an entry").file_name().to_string_lossy()))
        .filter(|name| name.ends_with(".md"))
        .collect();
    documents.push("README.md".into());
    for doc in documents {
        let markdown = std::fs::read_to_string(root.join(&doc)).expect("a document");
        let walkthroughs = transcript::walkthroughs(&markdown).unwrap_or_else(|e| panic!("{doc}: {e}"));
        assert_eq!(
            !walkthroughs.is_empty(),
            DOCUMENTS.contains(&doc.as_str()),
            "{doc}: a document with walkthroughs needs a test here, and one without none"
        );
    }
}
