//! The first request after a cold start, in the spirit of AWS Lambda Power
//! Tuning: each function's release binary, under the CPU share Lambda gives at
//! each memory size (cpu_quota.rs), against the local Cognito over HTTPS
//! (tls_cognito.rs). Per function and size: init (exec to first poll), init
//! plus the first request (exec to its answer, the TLS handshakes to Cognito
//! included), and the warm latency of the same request on that process. Then
//! what a million sign-ins cost at each size (pricing.rs).

use std::path::Path;
use std::time::{Duration, Instant};

use auth_api::routes::Function;
use integration_tests::lambda_runtime_api::*;
use integration_tests::*;

use super::cpu_quota::CpuQuota;
use super::requests::{prepare, GROUP};
use super::tls_cognito::TlsCognito;
use super::{ms, pct, pricing};

pub const SIZES: [u32; 4] = [128, 256, 512, 1024];

fn cold_runs() -> usize {
    std::env::var("BENCH_COLD_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(10)
}
const WARM_CALLS: usize = 20;

struct Measured {
    init: Vec<Duration>,
    first: Vec<Duration>,
    warm: Vec<Duration>,
    handshakes: usize,
    status: u16,
}

pub async fn tables(functions: &[Function], binaries: &Path) {
    let cognito = TlsCognito::start().await;
    // The harness's set-up helpers (pools, users, the SDK) now talk to this emulator.
    std::env::set_var("LOCAL_COGNITO_URL", &cognito.http_url);
    // Passwordless too, so that the passwordless function's request sends its code.
    let pool = create_pool(PoolOptions { groups: vec![GROUP], ..PoolOptions::passwordless() }).await;

    let mut quotas = Vec::new();
    for mb in SIZES {
        match CpuQuota::for_memory(mb) {
            Some(quota) => quotas.push((mb, quota)),
            None => println!("\n(no writable cpu cgroup here: the {mb} MB quota is skipped; run as root)"),
        }
    }
    println!();
    println!(
        "First request after a cold start: local Cognito over HTTPS, CPU quota of Lambda's share, CFS period {} ms, {} cold starts and {WARM_CALLS} warm calls per cell",
        super::cpu_quota::period_us() as f64 / 1000.0,
        cold_runs()
    );
    println!();
    println!("| function | MB | status | init median (ms) | init + first request median (ms) | p90 (ms) | warm median (ms) | TLS handshakes in the first request |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut login = Vec::new();
    for function in functions {
        for (mb, quota) in &quotas {
            let m = measure(*function, &binaries.join(function.crate_name()), &pool, &cognito, quota, *mb).await;
            println!(
                "| {} | {mb} | {} | {:.1} | {:.1} | {:.1} | {:.2} | {} |",
                function.crate_name(),
                m.status,
                ms(pct(&m.init, 50)),
                ms(pct(&m.first, 50)),
                ms(pct(&m.first, 90)),
                ms(pct(&m.warm, 50)),
                m.handshakes
            );
            if *function == Function::Login {
                login.push((*mb, m));
            }
        }
    }
    if !login.is_empty() {
        cost_table(&login);
    }
    std::env::remove_var("LOCAL_COGNITO_URL");
}

/// What a million sign-ins (POST /auth/login, one invocation each) cost at each size.
fn cost_table(login: &[(u32, Measured)]) {
    println!();
    println!("Cost per million sign-ins ({})", pricing::PRICE_SOURCE);
    println!();
    println!("| MB | warm median (ms) | per million warm (USD) | cold: init + first (ms) | per million if all cold (USD) | per million with 1% cold (USD) |");
    println!("|---|---|---|---|---|---|");
    for (mb, m) in login {
        let (warm, cold) = (ms(pct(&m.warm, 50)), ms(pct(&m.first, 50)));
        let (warm_cost, cold_cost) = (pricing::per_million(*mb, warm), pricing::per_million(*mb, cold));
        println!(
            "| {mb} | {warm:.2} | {warm_cost:.3} | {cold:.1} | {cold_cost:.3} | {:.3} |",
            0.99 * warm_cost + 0.01 * cold_cost
        );
    }
}

async fn measure(
    function: Function,
    binary: &Path,
    pool: &Pool,
    cognito: &TlsCognito,
    quota: &CpuQuota,
    mb: u32,
) -> Measured {
    let name = function.crate_name();
    assert!(binary.is_file(), "{} is missing", binary.display());
    let mut m = Measured { init: Vec::new(), first: Vec::new(), warm: Vec::new(), handshakes: 0, status: 0 };
    for run in 0..cold_runs() {
        let runtime = FakeRuntimeApi::start().await;
        let mut command = tokio::process::Command::new(binary);
        command
            .env_clear()
            .envs(environment(&runtime, name, pool, cognito, mb))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        quota.apply(&mut command);
        let event = prepare(function, pool).await.event();
        let handshakes_before = cognito.handshakes();
        let started = Instant::now();
        let mut child = command.spawn().unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
        let outcome = runtime.invoke(event).await;
        m.first.push(started.elapsed());
        m.init.push(runtime.first_poll().expect("polled") - started);
        m.handshakes = m.handshakes.max(cognito.handshakes() - handshakes_before);
        let (status, _, body) = decode_gateway_response(outcome);
        assert!(status < 500, "{name}'s first request answered {status}: {body}");
        m.status = status;
        if run == 0 {
            for _ in 0..WARM_CALLS {
                let event = prepare(function, pool).await.event();
                let started = Instant::now();
                let (status, _, body) = decode_gateway_response(runtime.invoke(event).await);
                m.warm.push(started.elapsed());
                assert_eq!(status, m.status, "{name}'s warm request: {body}");
            }
        }
        let _ = child.kill().await;
    }
    for samples in [&mut m.init, &mut m.first, &mut m.warm] {
        samples.sort();
    }
    m
}

fn environment(
    runtime: &FakeRuntimeApi,
    name: &str,
    pool: &Pool,
    cognito: &TlsCognito,
    mb: u32,
) -> Vec<(String, String)> {
    let mut environment = lambda_environment(runtime, name);
    environment.retain(|(k, _)| k != "AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    environment.push(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE".into(), mb.to_string()));
    for (k, v) in config_for(pool) {
        let v = if v == cognito.http_url { cognito.https_url.clone() } else { v };
        environment.push((k.to_owned(), v));
    }
    environment.push(("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH".into(), "true".into()));
    environment.push(("AUTH_API_BENCH_CA_FILE".into(), cognito.ca_file.display().to_string()));
    environment
}
