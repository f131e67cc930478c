//! The local Cognito's own numbers: start to first answer, and
//! AdminInitiateAuth per second beside moto 5.2.5, each emulator a process
//! of its own on loopback, driven through the same SDK client code.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType, MessageActionType};
use aws_sdk_cognitoidentityprovider::Client;

use super::{ms, pct};

const STARTS: usize = 20;
const SIGN_INS: usize = 2_000;
const CONCURRENCY: usize = 8;

pub async fn tables(local_cognito: &Path, moto_server: &Path) {
    let starts = start_times(local_cognito).await;
    println!();
    println!("| local Cognito | median | p90 |");
    println!("|---|---|---|");
    println!(
        "| start to first answer, {STARTS} starts (ms) | {:.1} | {:.1} |",
        ms(pct(&starts, 50)),
        ms(pct(&starts, 90))
    );

    let ours = sign_ins_per_second(local_cognito, &[]).await;
    let moto = sign_ins_per_second(moto_server, &["-H", "127.0.0.1"]).await;
    println!();
    println!("| AdminInitiateAuth, {SIGN_INS} calls, {CONCURRENCY} at a time | calls per second |");
    println!("|---|---|");
    println!("| local Cognito (Rust) | {ours:.0} |");
    println!("| moto 5.2.5 | {moto:.0} |");
    println!("| ratio | {:.1}x |", ours / moto);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `program` on a free port; answers the child and its URL once it answers HTTP.
pub async fn serve(program: &Path, extra: &[&str]) -> (tokio::process::Child, String, Duration) {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let mut command = tokio::process::Command::new(program);
    // moto_server takes the port as -p; the local Cognito as --port.
    let port_flag = if program.ends_with("moto_server") { "-p" } else { "--port" };
    command
        .args(extra)
        .args([port_flag, &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let child = command.spawn().unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    loop {
        if answers_http(port) {
            return (child, url, started.elapsed());
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{} did not answer", program.display());
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// A plain HTTP request on a blocking socket: no client of ours to warm up inside the timing.
fn answers_http(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
    let request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let mut status = [0u8; 12];
    stream.write_all(request).is_ok() && stream.read_exact(&mut status).is_ok() && status.starts_with(b"HTTP/1.1")
}

async fn start_times(program: &Path) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(STARTS);
    for _ in 0..STARTS {
        let (mut child, _, elapsed) = serve(program, &[]).await;
        samples.push(elapsed);
        let _ = child.kill().await;
    }
    samples.sort();
    samples
}

async fn sign_ins_per_second(program: &Path, extra: &[&str]) -> f64 {
    let (mut child, url, _) = serve(program, extra).await;
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("bench", "bench", None, None, "bench"))
        .endpoint_url(&url)
        .build();
    let sdk = Client::from_conf(config);
    let pool = sdk.create_user_pool().pool_name("bench").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("bench")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let password = "Bench-Passw0rd!";
    sdk.admin_create_user()
        .user_pool_id(&pool)
        .username("bench")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_password()
        .user_pool_id(&pool)
        .username("bench")
        .password(password)
        .permanent(true)
        .send()
        .await
        .unwrap();

    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (sdk, pool, client) = (sdk.clone(), pool.clone(), client.clone());
        workers.push(tokio::spawn(async move {
            for _ in 0..SIGN_INS / CONCURRENCY {
                sdk.admin_initiate_auth()
                    .user_pool_id(&pool)
                    .client_id(&client)
                    .auth_flow(AuthFlowType::AdminUserPasswordAuth)
                    .auth_parameters("USERNAME", "bench")
                    .auth_parameters("PASSWORD", password)
                    .send()
                    .await
                    .expect("signed in");
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let rate = SIGN_INS as f64 / started.elapsed().as_secs_f64();
    let _ = child.kill().await;
    rate
}
