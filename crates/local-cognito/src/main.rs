//! The local Cognito on a loopback port.
//!
//!     local-cognito [--port 9229] [--host 127.0.0.1] [--state FILE]
//!                   [--region us-east-1] [--seed JSON --seed-env FILE]
//!
//! --region REGION   the region pool ids, ARNs and device keys carry
//! --allow-host NAME answer at this host name too (repeatable); loopback names
//!                   and IP addresses always, other names never: a page of
//!                   another site could rebind one to 127.0.0.1
//!
//! --state FILE      keep pools, users and keys in FILE across restarts
//! --seed JSON       create a pool like the deployed one (the body of
//!                   POST /_local/pools), unless --seed-env names a pool
//!                   the state still holds
//! --seed-env FILE   write the pool's ids there as shell variables

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

const USAGE: &str = "usage: local-cognito [--port PORT] [--host ADDRESS] [--allow-host NAME] [--state FILE] [--region REGION] [--seed JSON --seed-env FILE]";

struct Args {
    host: IpAddr,
    port: u16,
    state_file: Option<PathBuf>,
    region: Option<String>,
    seed: Option<String>,
    seed_env: Option<PathBuf>,
    allowed_hosts: Vec<String>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut parsed = Args {
        host: [127, 0, 0, 1].into(),
        port: 9229,
        state_file: None,
        region: None,
        seed: None,
        seed_env: None,
        allowed_hosts: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--port" => parsed.port = value()?.parse().map_err(|_| format!("--port takes a number\n{USAGE}"))?,
            "--host" => parsed.host = value()?.parse().map_err(|_| format!("--host takes an IP address\n{USAGE}"))?,
            "--state" => parsed.state_file = Some(PathBuf::from(value()?)),
            "--region" => parsed.region = Some(value()?),
            "--allow-host" => parsed.allowed_hosts.push(value()?),
            "--seed" => parsed.seed = Some(value()?),
            "--seed-env" => parsed.seed_env = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(Some(parsed))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let Some(args) = parse_args()? else { return Ok(()) };
    let options = local_cognito::Options {
        address: Some(SocketAddr::new(args.host, args.port)),
        state_file: args.state_file,
        print_outbox: true,
        frozen_clock: false,
        region: args.region,
        allowed_hosts: args.allowed_hosts,
        key_file: None,
    };
    let running = local_cognito::start(options).await.map_err(|e| format!("cannot start: {e}"))?;
    println!("local Cognito listening on {}", running.url);
    if let Some(seed) = &args.seed {
        let env_file = args.seed_env.as_ref().ok_or_else(|| format!("--seed needs --seed-env\n{USAGE}"))?;
        seed_once(&running.emulator, seed, env_file)?;
    }
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|e| e.to_string())?;
    tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = terminate.recv() => {} }
    Ok(())
}

/// Seeds a pool, unless the env file names one the (kept) state still has.
fn seed_once(emulator: &local_cognito::Emulator, seed: &str, env_file: &PathBuf) -> Result<(), String> {
    let kept = std::fs::read_to_string(env_file).ok().and_then(|env| {
        let pool_id = env.lines().find_map(|line| line.strip_prefix("COGNITO_USER_POOL_ID="))?.to_owned();
        emulator.has_pool(&pool_id).then_some(pool_id)
    });
    if let Some(pool_id) = kept {
        println!("kept user pool {pool_id} from the saved state");
        return Ok(());
    }
    let options: local_cognito::SeedOptions = serde_json::from_str(seed).map_err(|e| format!("--seed: {e}"))?;
    let ids = emulator.seed(&options).map_err(|e| format!("--seed: {}: {}", e.kind, e.message))?;
    let mut env = format!(
        "COGNITO_USER_POOL_ID={}\nCOGNITO_CLIENT_ID={}\nAWS_REGION={}\n",
        ids.user_pool_id, ids.client_id, ids.region
    );
    if let Some(secret) = &ids.client_secret {
        env.push_str(&format!("COGNITO_CLIENT_SECRET={secret}\n"));
    }
    env.push_str(&format!("COGNITO_SIGN_UP_CLIENT_ID={}\n", ids.sign_up_client_id));
    if let Some(secret) = &ids.sign_up_client_secret {
        env.push_str(&format!("COGNITO_SIGN_UP_CLIENT_SECRET={secret}\n"));
    }
    std::fs::write(env_file, env).map_err(|e| format!("{}: {e}", env_file.display()))
}
