//! The load test (`make bench`, or BENCH_ONLY=load): goose users, each a
//! Cognito user of its own, run whole flows against the local stack (the API's
//! router in this process, the local Cognito's release binary in its own, so
//! that its CPU is measured apart): sign-in, refresh, /auth/me, logout; and
//! one user in five sign-in with TOTP MFA instead of the refresh. Once
//! healthy, then with faults armed through the local Cognito's
//! `POST /_local/faults` (when it has that control). Reports throughput,
//! p50/p99 latency per request, and what went wrong by kind.
//!
//! Targets: no 5xx when healthy, no 500 ever (under faults: 429 or 503 with
//! Retry-After), no crossed or lost session, and the local Cognito far from
//! a core of its own (it must never be the bottleneck of what runs beside it).

use std::path::Path;
use std::time::Instant;

use aws_sdk_cognitoidentityprovider::types::{SoftwareTokenMfaSettingsType, VerifySoftwareTokenResponseType};
use goose::prelude::*;
use integration_tests::*;
use serde_json::{json, Value};

use super::load_flows::{self, claim_mfa, claim_plain, mfa_flow, password_flow, Account};
use super::requests::sign_in;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The faults of the second phase: each a fraction of the calls of an operation the flows make.
fn faults() -> Vec<Value> {
    vec![
        json!({"operation": "AdminInitiateAuth", "error": "TooManyRequestsException", "rate": 0.05}),
        json!({"operation": "GetTokensFromRefreshToken", "error": "InternalErrorException", "rate": 0.05}),
        json!({"operation": "GetUser", "drop": true, "rate": 0.02}),
        json!({"operation": "RevokeToken", "error": "TooManyRequestsException", "rate": 0.05}),
    ]
}

pub async fn run(local_cognito: &Path) {
    // goose logs every warning of every crate to the terminal (the API's, under faults, by the
    // thousand); the tables say what went wrong.
    let _ = log::set_logger(&Silent);
    let users = setting("BENCH_LOAD_USERS", 64);
    let seconds = setting("BENCH_LOAD_SECONDS", 30);
    let (mut child, url, _) = super::emulator::serve(local_cognito, &[]).await;
    let cognito_pid = child.id().expect("pid");
    std::env::set_var("LOCAL_COGNITO_URL", &url);
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    // The API reads its Cognito timeout from COGNITO_TIMEOUT_MS: a dropped connection answers within it.
    let mut env = config_for(&pool);
    env.insert("COGNITO_TIMEOUT_MS", "2000".into());
    let api = TestApi::start_with(env).await;
    let mfa_users = users.div_ceil(5);
    let _ = load_flows::PLAIN.set(accounts(&pool, users, false).await);
    let _ = load_flows::WITH_MFA.set(accounts(&pool, mfa_users, true).await);

    println!();
    println!(
        "Load: {users} goose users ({} with TOTP), {seconds} s a phase, against the API's router in this process and the local Cognito's release binary",
        mfa_users
    );
    let http = reqwest::Client::new();
    let mut phases = vec![("healthy", false)];
    let control = http.get(format!("{url}/_local/faults")).send().await.map(|r| r.status().is_success());
    if control.unwrap_or(false) {
        phases.push(("with faults", true));
    } else {
        println!("\n(this local Cognito has no POST /_local/faults: the phase with faults is skipped)");
    }
    for (phase, with_faults) in phases {
        if with_faults {
            for fault in faults() {
                let armed = http.post(format!("{url}/_local/faults")).json(&fault).send().await.expect("faults");
                assert!(armed.status().is_success(), "arming {fault}: {}", armed.text().await.unwrap_or_default());
            }
        }
        let cpu_before = (cpu_seconds(&format!("/proc/{cognito_pid}/stat")), cpu_seconds("/proc/self/stat"));
        let started = Instant::now();
        let metrics = attack(&api.base, users, seconds).await;
        let wall = started.elapsed().as_secs_f64();
        let cognito_cpu = cpu_seconds(&format!("/proc/{cognito_pid}/stat")) - cpu_before.0;
        let own_cpu = cpu_seconds("/proc/self/stat") - cpu_before.1;
        if with_faults {
            let _ = http.delete(format!("{url}/_local/faults")).send().await;
        }
        report(phase, &metrics, wall, cognito_cpu, own_cpu);
    }
    let _ = child.kill().await;
    std::env::remove_var("LOCAL_COGNITO_URL");
}

async fn attack(host: &str, users: usize, seconds: usize) -> GooseMetrics {
    let plain = scenario!("sign-in, refresh, me, logout")
        .set_weight(4)
        .expect("weight")
        .register_transaction(transaction!(claim_plain).set_on_start())
        .register_transaction(transaction!(password_flow).set_name("flow"));
    let mfa = scenario!("sign-in with TOTP, me, logout")
        .set_weight(1)
        .expect("weight")
        .register_transaction(transaction!(claim_mfa).set_on_start())
        .register_transaction(transaction!(mfa_flow).set_name("flow"));
    GooseAttack::initialize_with_config(goose::config::GooseConfiguration::default())
        .expect("goose")
        .register_scenario(plain)
        .register_scenario(mfa)
        .set_default(GooseDefault::Host, host)
        .and_then(|g| g.set_default(GooseDefault::Users, users))
        .and_then(|g| g.set_default(GooseDefault::IncreaseRate, "32"))
        .and_then(|g| g.set_default(GooseDefault::RunTime, seconds))
        .and_then(|g| g.set_default(GooseDefault::NoPrintMetrics, true))
        // Count from the first request, as the flows' own counts do.
        .and_then(|g| g.set_default(GooseDefault::NoResetMetrics, true))
        .and_then(|g| g.set_default(GooseDefault::Quiet, 1))
        .expect("goose settings")
        .execute()
        .await
        .expect("the load test ran")
}

fn report(phase: &str, metrics: &GooseMetrics, wall: f64, cognito_cpu: f64, own_cpu: f64) {
    let (kinds, flows) = load_flows::take_counts();
    let requests: usize = metrics.requests.values().map(|r| r.success_count + r.fail_count).sum();
    let server_errors: usize = metrics
        .requests
        .values()
        .flat_map(|r| r.status_code_counts.iter())
        .filter(|(status, _)| **status >= 500)
        .map(|(_, n)| n)
        .sum();
    let crossed: usize = kinds.iter().filter(|(k, _)| k.starts_with("crossed")).map(|(_, n)| n).sum();
    let lost: usize = kinds.iter().filter(|(k, _)| k.starts_with("lost")).map(|(_, n)| n).sum();
    let seconds = metrics.duration.max(1) as f64;
    println!();
    println!("| {phase} | flows completed | flows/s | requests/s | 5xx | crossed sessions | lost sessions | local Cognito CPU (% of one core) | API + load tool CPU (% of one core) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {} users, {} s | {flows} | {:.0} | {:.0} | {server_errors} | {crossed} | {lost} | {:.0} | {:.0} |",
        metrics.maximum_users,
        metrics.duration,
        flows as f64 / seconds,
        requests as f64 / seconds,
        100.0 * cognito_cpu / wall,
        100.0 * own_cpu / wall
    );
    println!();
    println!("| {phase}: request | count | p50 (ms) | p99 (ms) | statuses |");
    println!("|---|---|---|---|---|");
    let mut names: Vec<_> = metrics.requests.keys().collect();
    names.sort();
    for name in names {
        let r = &metrics.requests[name];
        let mut statuses: Vec<_> = r.status_code_counts.iter().collect();
        statuses.sort();
        let statuses: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}: {n}")).collect();
        println!(
            "| {name} | {} | {:.1} | {:.1} | {} |",
            r.success_count + r.fail_count,
            r.raw_data.percentile_us(0.5) as f64 / 1000.0,
            r.raw_data.percentile_us(0.99) as f64 / 1000.0,
            statuses.join(", ")
        );
    }
    println!();
    println!("| {phase}: what went wrong, by kind | count |");
    println!("|---|---|");
    if kinds.is_empty() {
        println!("| nothing | 0 |");
    }
    for (kind, n) in kinds {
        println!("| {kind} | {n} |");
    }
}

/// Confirmed users with the test password, each with TOTP on when `totp`.
async fn accounts(pool: &Pool, n: usize, totp: bool) -> Vec<Account> {
    let sdk = sdk();
    let mut accounts = Vec::with_capacity(n);
    for _ in 0..n {
        let username = confirmed_user(pool, &[]).await;
        let tokens = sign_in(pool, &username, PASSWORD).await;
        let access = tokens.access_token.expect("access token");
        let user = sdk.get_user().access_token(&access).send().await.expect("user");
        let sub = user.user_attributes().iter().find(|a| a.name() == "sub").and_then(|a| a.value()).expect("sub");
        let mut account =
            Account { username, password: PASSWORD.to_owned(), sub: sub.to_owned(), totp: None, totp_step: 0 };
        if totp {
            let secret = sdk.associate_software_token().access_token(&access).send().await.expect("associate");
            let secret = secret.secret_code.expect("secret");
            let (step, _) = load_flows::usable_step();
            account.totp_step = step;
            let verified = sdk
                .verify_software_token()
                .access_token(&access)
                .user_code(local_cognito::totp_code(&secret, (step * 30) as u64))
                .send()
                .await
                .expect("verify");
            assert_eq!(verified.status, Some(VerifySoftwareTokenResponseType::Success));
            sdk.admin_set_user_mfa_preference()
                .user_pool_id(&pool.user_pool_id)
                .username(&account.username)
                .software_token_mfa_settings(
                    SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build(),
                )
                .send()
                .await
                .expect("TOTP preferred");
            account.totp = Some(secret);
        }
        accounts.push(account);
    }
    accounts
}

struct Silent;

impl log::Log for Silent {
    fn enabled(&self, _: &log::Metadata) -> bool {
        false
    }
    fn log(&self, _: &log::Record) {}
    fn flush(&self) {}
}

/// User plus system CPU time of a process, in seconds, from its /proc stat line.
fn cpu_seconds(stat: &str) -> f64 {
    let text = std::fs::read_to_string(stat).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> =
        text.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks: f64 = fields.get(11..13).map(|f| f.iter().filter_map(|v| v.parse::<f64>().ok()).sum()).unwrap_or(0.0);
    // SAFETY: sysconf has no preconditions.
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}
