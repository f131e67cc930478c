//! The /auth API in front of an Amazon Cognito user pool.
//!
//! Everything the API does lives here; each Lambda function under `functions/`
//! and the local server only wire [`config::Config`], the Cognito client, logging
//! and a router from [`functions`] (one function's routes) or [`app`] (all).

pub mod admin;
pub mod admin_target;
pub mod app;
pub mod audit;
pub mod auth_result;
pub mod bearer;
pub mod body;
pub mod caller;
pub mod caller_key;
pub mod client_rules;
pub mod code_limit;
pub mod code_sent;
pub mod cognito;
pub mod cognito_error;
pub mod config;
pub mod context_data;
pub mod device_admin;
pub mod device_srp;
pub mod document;
pub mod email_holders;
pub mod error;
pub mod failure_floor;
pub mod first_factor;
pub mod first_factor_answer;
pub mod functions;
pub mod handlers;
pub mod initiate_auth;
pub mod jwt;
pub mod lambda;
pub mod live;
pub mod mfa;
pub mod middleware;
pub mod notice;
pub mod passkey_rules;
pub mod pool_rules;
pub mod pool_user;
pub mod retry_policy;
pub mod revocation;
pub mod routes;
pub mod secret_hash;
pub mod sessions;
pub mod sign_in;
pub mod state;
pub mod step_up;
pub mod stored_secret;
pub mod telemetry;
pub mod user_query;
pub mod verified;
pub mod web_session;
