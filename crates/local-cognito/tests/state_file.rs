//! `--state FILE` survives `kill -9` at any moment: the real `local-cognito`
//! binary is killed again and again while writes stream into it, and after each
//! kill it must start again from the file, holding every change it answered.
//! Reads write nothing. (docs/local-cognito.md, "Running it".)

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::MessageActionType;
use aws_sdk_cognitoidentityprovider::Client;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

/// How many times the emulator is killed mid-stream.
const KILLS: usize = 8;
/// Writers at once, so that snapshots are taken and written concurrently.
const WRITERS: usize = 3;

struct Emulator {
    url: String,
    child: Child,
}

/// Starts the binary on a free port with `state`; panics if it does not come up
/// (a state file that does not load stops it with "cannot start").
async fn start(state: &Path) -> Emulator {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_local-cognito"))
        .args(["--port", "0", "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("local-cognito started");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(rest) = line.strip_prefix("local Cognito listening on ") {
            url = Some(rest.to_owned());
            break;
        }
    }
    let Some(url) = url else {
        let mut error = String::new();
        tokio::io::AsyncReadExt::read_to_string(child.stderr.as_mut().unwrap(), &mut error).await.unwrap();
        panic!("local-cognito did not start from {}: {error}", state.display());
    };
    // Keep reading its output (the outbox is printed), so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Emulator { url, child }
}

fn sdk(url: &str) -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("local", "local", None, None, "test"))
        .endpoint_url(url)
        // A call the kill cut off fails at once: it is not answered, so not counted.
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

fn temporary_state() -> PathBuf {
    let directory = std::env::temp_dir().join(format!("local-cognito-crash-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&directory).unwrap();
    directory.join("state.json")
}

/// A random number below `bound`, different on every call.
fn random_below(bound: u64) -> u64 {
    (uuid::Uuid::new_v4().as_u128() % u128::from(bound)) as u64
}

async fn create_user(sdk: &Client, pool_id: &str, username: &str) -> bool {
    sdk.admin_create_user()
        .user_pool_id(pool_id)
        .username(username)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_at_random_moments_the_state_file_always_loads_with_every_answered_change() {
    // GIVEN the real binary keeping its state in a file, with a pool
    let state = temporary_state();
    let first = start(&state).await;
    let seeded: Value =
        reqwest::Client::new().post(format!("{}/_local/pools", first.url)).send().await.unwrap().json().await.unwrap();
    let pool_id = seeded["userPoolId"].as_str().unwrap().to_owned();
    let mut emulator = first;
    let mut answered: Vec<String> = Vec::new();

    for kill in 0..KILLS {
        // WHEN writers stream users into it and it is killed (SIGKILL) after a random
        // number of answers, a random moment later
        let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
        let (enough, mut reached) = tokio::sync::watch::channel(false);
        let threshold = 1 + random_below(25) as usize;
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (sdk, pool_id, acknowledged, enough) =
                    (sdk(&emulator.url), pool_id.clone(), acknowledged.clone(), enough.clone());
                tokio::spawn(async move {
                    for n in 0.. {
                        let username = format!("k{kill}-w{writer}-u{n}");
                        if !create_user(&sdk, &pool_id, &username).await {
                            return; // killed
                        }
                        let mut list = acknowledged.lock().unwrap();
                        list.push(username);
                        if list.len() >= threshold {
                            let _ = enough.send(true);
                        }
                    }
                })
            })
            .collect();
        reached.wait_for(|reached| *reached).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_micros(random_below(3_000))).await;
        emulator.child.start_kill().unwrap();
        emulator.child.wait().await.unwrap();
        for writer in writers {
            writer.await.unwrap();
        }
        answered.extend(acknowledged.lock().unwrap().drain(..));

        // THEN it starts again from the file, and every user it answered for is there
        emulator = start(&state).await;
        let sdk = sdk(&emulator.url);
        for username in &answered {
            let user = sdk.admin_get_user().user_pool_id(&pool_id).username(username).send().await;
            assert!(user.is_ok(), "after kill {kill}, {username} (answered before the kill) is missing: {user:?}");
        }
    }
    assert!(answered.len() >= KILLS, "every round answered at least one write");
}

#[tokio::test]
async fn reads_leave_the_state_file_alone_and_every_change_replaces_it() {
    // GIVEN the binary with a state file and a pool with a user
    let state = temporary_state();
    let emulator = start(&state).await;
    let http = reqwest::Client::new();
    let seeded: Value = http.post(format!("{}/_local/pools", emulator.url)).send().await.unwrap().json().await.unwrap();
    let pool_id = seeded["userPoolId"].as_str().unwrap();
    let sdk = sdk(&emulator.url);
    assert!(create_user(&sdk, pool_id, "reader").await);
    // A snapshot is a new file renamed over the old one: a new inode.
    let inode = || std::fs::metadata(&state).unwrap().ino();
    let before = inode();

    // WHEN only reads are made: Cognito reads, the outbox, the clock, the key set
    sdk.admin_get_user().user_pool_id(pool_id).username("reader").send().await.unwrap();
    sdk.list_users().user_pool_id(pool_id).send().await.unwrap();
    sdk.describe_user_pool().user_pool_id(pool_id).send().await.unwrap();
    http.get(format!("{}/_local/outbox", emulator.url)).send().await.unwrap();
    http.get(format!("{}/_local/clock", emulator.url)).send().await.unwrap();
    http.get(format!("{}/{pool_id}/.well-known/jwks.json", emulator.url)).send().await.unwrap();

    // THEN the file was not written
    assert_eq!(inode(), before, "a read wrote the state file");

    // WHEN the clock is moved, THEN that is saved too
    http.post(format!("{}/_local/clock", emulator.url)).json(&serde_json::json!({"seconds": 60})).send().await.unwrap();
    let moved = inode();
    assert_ne!(moved, before, "moving the clock was not saved");
    let saved: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(saved["clock_offset"], 60);

    // WHEN a user is disabled, THEN the file is replaced
    sdk.admin_disable_user().user_pool_id(pool_id).username("reader").send().await.unwrap();
    assert_ne!(inode(), moved, "a change was not saved");
}
