//! `make bench`: measures on this machine and prints a Markdown table.
//!
//! - cold start: exec of a function's release binary to its first poll of the
//!   Runtime API (configuration and SDK client included), median of RUNS;
//! - peak RSS (VmHWM) of the login function after serving one login event;
//! - arm64 binary and zip size per function (from `cargo lambda build --arm64`);
//! - the same cold start and RSS for the Python twin (bench/login_twin.py);
//! - the latency the API adds over calling the local Cognito directly for the
//!   same AdminInitiateAuth, median and p99 over LATENCY_CALLS.
//!
//! - the local Cognito's start to first answer, and its AdminInitiateAuth per
//!   second beside moto's (emulator.rs).
//!
//! - the first request after a cold start, over TLS, under Lambda's CPU share
//!   at 128 to 1,024 MB, and the cost of a million sign-ins (first_request.rs).
//!
//! BENCH_FUNCTIONS (crate names, comma-separated) measures only those functions;
//! BENCH_ONLY=first-request only the first-request tables; BENCH_ONLY=load only
//! the load test (load.rs).
//!
//! The profile table is one row for the cargo profile measured (PROFILE), to
//! set beside the other candidates' rows.
//!
//! Needs LAMBDA_BINARIES_DIR, ARM64_BINARIES_DIR, ARM64_ZIPS_DIR, TWIN_PYTHON,
//! LOCAL_COGNITO_BIN, MOTO_SERVER and PROFILE (scripts/bench.sh sets them).
//! The functions talk to a local Cognito in this process.

mod cpu_quota;
mod emulator;
mod first_request;
mod load;
mod load_flows;
mod pricing;
mod requests;
mod tls_cognito;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use auth_api::routes::Function;
use integration_tests::lambda_runtime_api::*;
use integration_tests::*;
use serde_json::json;

const RUNS: usize = 25;
const LATENCY_CALLS: usize = 500;

#[tokio::main]
async fn main() {
    // BENCH_ONLY=local-cognito: only the emulator's tables (no function builds needed).
    if std::env::var("BENCH_ONLY").as_deref() == Ok("local-cognito") {
        return emulator_tables().await;
    }
    if std::env::var("BENCH_ONLY").as_deref() == Ok("load") {
        return load::run(&local_cognito_bin()).await;
    }
    let functions = functions();
    let binaries = PathBuf::from(std::env::var("LAMBDA_BINARIES_DIR").expect("LAMBDA_BINARIES_DIR"));
    if std::env::var("BENCH_ONLY").as_deref() == Ok("first-request") {
        return first_request::tables(&functions, &binaries).await;
    }
    let arm64_binaries = PathBuf::from(std::env::var("ARM64_BINARIES_DIR").expect("ARM64_BINARIES_DIR"));
    let arm64_zips = PathBuf::from(std::env::var("ARM64_ZIPS_DIR").expect("ARM64_ZIPS_DIR"));
    let profile = std::env::var("PROFILE").expect("PROFILE");
    let twin_python = std::env::var("TWIN_PYTHON").expect("TWIN_PYTHON");
    let twin_script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/login_twin.py");
    let pool = create_pool(PoolOptions::default()).await;

    println!("| function | cold start median (ms) | cold start p90 (ms) | arm64 binary (MB) | arm64 zip (MB) |");
    println!("|---|---|---|---|---|");
    let mut login_cold = Duration::ZERO;
    let mut largest_zip = 0.0_f64;
    for function in &functions {
        let name = function.crate_name();
        let binary = function_binary(name);
        let samples = cold_starts(|runtime| command(&binary, &environment(runtime, name, &pool))).await;
        if *function == Function::Login {
            login_cold = pct(&samples, 50);
        }
        let bootstrap = file_mb(&arm64_binaries.join(name));
        let zip = file_mb(&arm64_zips.join(name).join("bootstrap.zip"));
        largest_zip = largest_zip.max(zip);
        println!(
            "| {name} | {:.2} | {:.2} | {bootstrap:.2} | {zip:.2} |",
            ms(pct(&samples, 50)),
            ms(pct(&samples, 90))
        );
    }

    let twin = cold_starts(|runtime| {
        let mut command = command(Path::new(&twin_python), &environment(runtime, "login-twin", &pool));
        command.arg(&twin_script);
        command
    })
    .await;
    let twin_cold = pct(&twin, 50);

    let login_rss = peak_rss_after_one_login(command(&function_binary("login"), &[]), &pool, "login").await;
    let mut twin_command = command(Path::new(&twin_python), &[]);
    twin_command.arg(&twin_script);
    let twin_rss = peak_rss_after_one_login(twin_command, &pool, "login-twin").await;

    println!();
    println!("| login | Rust | Python twin (boto3) | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| cold start median (ms) | {:.2} | {:.2} | {:.0}x faster |",
        ms(login_cold),
        ms(twin_cold),
        twin_cold.as_secs_f64() / login_cold.as_secs_f64()
    );
    println!(
        "| peak RSS after one login (MB) | {:.1} | {:.1} | {:.1}x smaller |",
        login_rss,
        twin_rss,
        twin_rss / login_rss
    );

    let (direct, api) = latencies(&pool).await;
    println!();
    println!("| AdminInitiateAuth, {LATENCY_CALLS} calls | median (ms) | p99 (ms) |");
    println!("|---|---|---|");
    println!("| SDK straight to the local Cognito | {:.3} | {:.3} |", ms(pct(&direct, 50)), ms(pct(&direct, 99)));
    println!("| through the API (POST /auth/login over HTTP) | {:.3} | {:.3} |", ms(pct(&api, 50)), ms(pct(&api, 99)));
    let added_median = ms(pct(&api, 50)) - ms(pct(&direct, 50));
    println!("| added by the API | {added_median:.3} | {:.3} |", ms(pct(&api, 99)) - ms(pct(&direct, 99)));

    println!();
    println!("| profile | login cold start median (ms) | login peak RSS (MB) | largest arm64 zip (MB) | added latency median (ms) |");
    println!("|---|---|---|---|---|");
    println!("| {profile} | {:.2} | {login_rss:.1} | {largest_zip:.2} | {added_median:.3} |", ms(login_cold));

    first_request::tables(&functions, &binaries).await;
    load::run(&local_cognito_bin()).await;

    emulator_tables().await;
}

/// BENCH_FUNCTIONS, else every function of the route table.
fn functions() -> Vec<Function> {
    match std::env::var("BENCH_FUNCTIONS") {
        Ok(names) if !names.trim().is_empty() => names
            .split(',')
            .map(|name| {
                *Function::ALL
                    .iter()
                    .find(|f| f.crate_name() == name.trim())
                    .unwrap_or_else(|| panic!("BENCH_FUNCTIONS: no function {name}"))
            })
            .collect(),
        _ => Function::ALL.to_vec(),
    }
}

async fn emulator_tables() {
    let moto_server = PathBuf::from(std::env::var("MOTO_SERVER").expect("MOTO_SERVER"));
    emulator::tables(&local_cognito_bin(), &moto_server).await;
}

fn local_cognito_bin() -> PathBuf {
    PathBuf::from(std::env::var("LOCAL_COGNITO_BIN").expect("LOCAL_COGNITO_BIN"))
}

fn environment(runtime: &FakeRuntimeApi, name: &str, pool: &Pool) -> Vec<(String, String)> {
    let mut environment = lambda_environment(runtime, name);
    environment.extend(config_for(pool).into_iter().map(|(k, v)| (k.to_owned(), v)));
    environment.push(("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH".into(), "true".into()));
    environment
}

fn command(program: &Path, environment: &[(String, String)]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(program);
    command
        .env_clear()
        .envs(environment.iter().cloned())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    command
}

/// Sorted samples of exec-to-first-poll.
async fn cold_starts(make: impl Fn(&FakeRuntimeApi) -> tokio::process::Command) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let runtime = FakeRuntimeApi::start().await;
        let mut command = make(&runtime);
        let started = Instant::now();
        let mut child = command.spawn().expect("spawn");
        let polled = runtime.wait_for_first_poll(Duration::from_secs(30)).await.expect("first poll");
        samples.push(polled - started);
        let _ = child.kill().await;
    }
    samples.sort();
    samples
}

/// VmHWM, in MB, of a process that has served one login event.
async fn peak_rss_after_one_login(mut command: tokio::process::Command, pool: &Pool, name: &str) -> f64 {
    let runtime = FakeRuntimeApi::start().await;
    command.envs(environment(&runtime, name, pool));
    let mut child = command.spawn().expect("spawn");
    let body = json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}).to_string().into_bytes();
    let request = GatewayRequest {
        method: "POST",
        path: "/auth/login",
        headers: vec![("Content-Type", "application/json".into())],
        body: Some(body),
        base64: false,
    };
    let (status, _, _) = decode_gateway_response(runtime.invoke(request.rest_v1("prod", "bench")).await);
    assert_eq!(status, 200, "{name} logged in");
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id().expect("pid"))).expect("/proc status");
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    let _ = child.kill().await;
    kb / 1024.0
}

/// Interleaved, so that both see the same emulator and machine load.
async fn latencies(pool: &Pool) -> (Vec<Duration>, Vec<Duration>) {
    let api = TestApi::start(pool).await;
    let body = json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD});
    let (mut direct, mut through_api) = (Vec::new(), Vec::new());
    for _ in 0..LATENCY_CALLS {
        let started = Instant::now();
        // The same call the login function makes, SECRET_HASH included.
        requests::sign_in(pool, ADMIN_USERNAME, ADMIN_PASSWORD).await;
        direct.push(started.elapsed());
        let started = Instant::now();
        assert_eq!(api.post("/auth/login", body.clone(), None).await.status, 200);
        through_api.push(started.elapsed());
    }
    direct.sort();
    through_api.sort();
    (direct, through_api)
}

fn pct(sorted: &[Duration], percent: usize) -> Duration {
    sorted[(sorted.len() * percent / 100).min(sorted.len() - 1)]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn file_mb(path: &Path) -> f64 {
    let metadata = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    metadata.len() as f64 / 1_048_576.0
}
