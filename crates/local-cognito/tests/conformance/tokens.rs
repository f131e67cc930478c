//! Tokens as Cognito issues them. (Developer guide, "Understanding user pool
//! JSON web tokens": the ID token, the access token; "Verifying a JSON web token".)

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

use crate::target::*;

async fn jwks(target: &Target) -> jsonwebtoken::jwk::JwkSet {
    reqwest::get(format!("{}/.well-known/jwks.json", target.issuer())).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn tokens_are_rs256_signed_by_distinct_keys_that_the_jwks_serves() {
    // GIVEN a signed-in user
    let target = Target::standard().await;
    let tokens = target.tokens(&target.confirmed_user().await).await;
    let set = jwks(&target).await;
    let (access, id) = (tokens.access_token.unwrap(), tokens.id_token.unwrap());
    // THEN both verify against the pool's JWKS with an independent JWT library, with distinct key ids
    let (access_kid, id_kid) = (decode_header(&access).unwrap().kid.unwrap(), decode_header(&id).unwrap().kid.unwrap());
    assert_ne!(access_kid, id_kid);
    for (token, kid) in [(&access, &access_kid), (&id, &id_kid)] {
        let jwk = set.find(kid).expect("the key is in the JWKS");
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[target.issuer()]);
        validation.validate_aud = false;
        decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation).expect("verifies");
    }
}

#[tokio::test]
async fn the_claims_are_cognitos() {
    // GIVEN a signed-in user in a group
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    target
        .sdk
        .admin_add_user_to_group()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .group_name("admin")
        .send()
        .await
        .unwrap();
    let tokens = target.tokens(&username).await;
    let (access, id) = (claims(tokens.access_token.as_deref().unwrap()), claims(tokens.id_token.as_deref().unwrap()));
    // THEN the access token carries Cognito's access claims
    for claim in [
        "sub",
        "iss",
        "client_id",
        "origin_jti",
        "event_id",
        "token_use",
        "scope",
        "auth_time",
        "exp",
        "iat",
        "jti",
        "username",
    ] {
        assert!(access.get(claim).is_some(), "access token lacks {claim}: {access}");
    }
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], target.client_id.as_str());
    assert_eq!(access["username"], username.as_str());
    assert_eq!(access["cognito:groups"], json!(["admin"]));
    assert_eq!(access["iss"], target.issuer().as_str());
    // AND the ID token Cognito's ID claims, email_verified a boolean
    for claim in [
        "sub",
        "iss",
        "aud",
        "cognito:username",
        "origin_jti",
        "event_id",
        "token_use",
        "auth_time",
        "exp",
        "iat",
        "jti",
        "email",
    ] {
        assert!(id.get(claim).is_some(), "ID token lacks {claim}: {id}");
    }
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], target.client_id.as_str());
    assert_eq!(id["email_verified"], json!(true));
    assert_eq!(id["cognito:groups"], json!(["admin"]));
    assert_eq!(access["origin_jti"], id["origin_jti"]);
    assert_eq!(access["event_id"], id["event_id"]);
    assert_eq!(tokens.expires_in, 3600);
}

#[tokio::test]
async fn the_id_token_holds_only_what_the_client_may_read() {
    // GIVEN a client that reads only the email
    let seed = json!({"client": {"ReadAttributes": ["email", "email_verified"]}});
    let Some(target) = Target::custom(seed, "an app client of its own").await else { return };
    let username = target.confirmed_user().await;
    target.set_attributes(&username, &[("birthdate", "1990-01-31")]).await;
    // WHEN the user signs in THEN the ID token has the email and not the birthdate
    let id = claims(target.tokens(&username).await.id_token.as_deref().unwrap());
    assert!(id.get("email").is_some());
    assert!(id.get("birthdate").is_none(), "{id}");
}

#[tokio::test]
async fn validities_come_from_the_client() {
    // GIVEN a client whose access tokens live 5 minutes and ID tokens 10
    let seed = json!({"client": {"AccessTokenValidity": 5, "IdTokenValidity": 10,
        "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes"}}});
    let Some(target) = Target::custom(seed, "an app client of its own").await else { return };
    let tokens = target.tokens(&target.confirmed_user().await).await;
    // THEN ExpiresIn and the tokens' lifetimes follow it
    assert_eq!(tokens.expires_in, 300);
    let (access, id) = (claims(tokens.access_token.as_deref().unwrap()), claims(tokens.id_token.as_deref().unwrap()));
    assert_eq!(access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(), 300);
    assert_eq!(id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(), 600);
}

#[tokio::test]
async fn an_expired_access_token_is_refused_with_cognitos_message() {
    let Some(target) = Target::custom(json!({}), "the clock").await else { return };
    let access = target.tokens(&target.confirmed_user().await).await.access_token.unwrap();
    target.advance_clock(3600).await;
    let result = target.sdk.get_user().access_token(access).send().await;
    assert_eq!(error_of(result), ("NotAuthorizedException".into(), "Access Token has expired".into()));
}

#[tokio::test]
async fn auth_time_survives_a_refresh() {
    // GIVEN a sign-in, and a minute later a refresh
    let Some(target) = Target::custom(json!({}), "the clock").await else { return };
    let username = target.confirmed_user().await;
    let first = target.tokens(&username).await;
    target.advance_clock(60).await;
    let refreshed = target
        .sdk
        .admin_initiate_auth()
        .user_pool_id(&target.pool_id)
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", first.refresh_token.unwrap())
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    // THEN auth_time is the sign-in's, iat is new, and no new refresh token is issued
    let (before, after) =
        (claims(first.access_token.as_deref().unwrap()), claims(refreshed.access_token.as_deref().unwrap()));
    assert_eq!(after["auth_time"], before["auth_time"]);
    assert_eq!(after["origin_jti"], before["origin_jti"]);
    assert_eq!(after["iat"].as_i64().unwrap(), before["iat"].as_i64().unwrap() + 60);
    assert!(refreshed.refresh_token.is_none());
}

#[tokio::test]
async fn global_sign_out_revokes_the_access_token() {
    // GIVEN a signed-in user WHEN they sign out everywhere
    let target = Target::standard().await;
    let access = target.tokens(&target.confirmed_user().await).await.access_token.unwrap();
    target.sdk.global_sign_out().access_token(&access).send().await.unwrap();
    // THEN the access token is revoked, with Cognito's message
    let result = target.sdk.get_user().access_token(access).send().await;
    assert_eq!(error_of(result), ("NotAuthorizedException".into(), "Access Token has been revoked".into()));
}

#[tokio::test]
async fn a_tampered_token_is_invalid() {
    // GIVEN an access token whose payload was changed
    let target = Target::standard().await;
    let access = target.tokens(&target.confirmed_user().await).await.access_token.unwrap();
    let mut parts: Vec<String> = access.split('.').map(str::to_owned).collect();
    let mut payload = claims(&access);
    payload["username"] = json!("someone-else");
    use base64::Engine;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload.to_string());
    // WHEN it is used THEN Cognito refuses it
    let result = target.sdk.get_user().access_token(parts.join(".")).send().await;
    assert_eq!(error_of(result).0, "NotAuthorizedException");
}

#[tokio::test]
async fn the_openid_configuration_names_the_issuer_and_keys() {
    let target = Target::standard().await;
    let configuration: Value = reqwest::get(format!("{}/.well-known/openid-configuration", target.issuer()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(configuration["issuer"], target.issuer().as_str());
    assert_eq!(configuration["jwks_uri"], format!("{}/.well-known/jwks.json", target.issuer()).as_str());
}
