//! ContextData for Cognito's threat protection: the caller's IP address and
//! a few request headers, so that Cognito judges the real client and not the
//! Lambda function. Only the IP that API Gateway saw is used; a client's
//! X-Forwarded-For is not trusted.

use aws_sdk_cognitoidentityprovider::types::{ContextDataType, HttpHeader, UserContextDataType};
use axum::extract::FromRequestParts;
use http::request::Parts;
use lambda_http::request::RequestContext;

/// Headers Cognito's risk scoring reads; never Authorization or cookies.
const FORWARDED_HEADERS: &[&str] = &["user-agent", "accept-language", "accept"];

pub struct ClientContext(pub ContextDataType);

impl<S: Send + Sync> FromRequestParts<S> for ClientContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientContext(context_data(parts)))
    }
}

/// UserContextData, for the public calls (SignUp, ConfirmSignUp, ForgotPassword, ...):
/// the caller's IP. EncodedData comes from Cognito's browser library, which this API
/// does not run, so it is left out.
pub struct UserContext(pub UserContextDataType);

impl<S: Send + Sync> FromRequestParts<S> for UserContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(UserContext(UserContextDataType::builder().ip_address(source_ip(parts)).build()))
    }
}

/// The IP API Gateway saw; locally there is no gateway, and the loopback address stands in.
fn source_ip(parts: &Parts) -> String {
    gateway_source_ip(parts).unwrap_or_else(|| "127.0.0.1".to_owned())
}

/// The IP API Gateway saw, when there is a gateway (never a client's X-Forwarded-For).
pub fn gateway_source_ip(parts: &Parts) -> Option<String> {
    match parts.extensions.get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV1(context)) => context.identity.source_ip.clone(),
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
        _ => None,
    }
}

pub fn context_data(parts: &Parts) -> ContextDataType {
    let headers = FORWARDED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = parts.headers.get(*name)?.to_str().ok()?;
            Some(
                HttpHeader::builder()
                    .header_name(*name)
                    .header_value(value.chars().take(512).collect::<String>())
                    .build(),
            )
        })
        .collect();
    ContextDataType::builder()
        .ip_address(source_ip(parts))
        .server_name(parts.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost"))
        .server_path(parts.uri.path())
        .set_http_headers(Some(headers))
        .build()
        .expect("every required field is set")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateways_source_ip_is_used_and_secrets_are_not_forwarded() {
        let mut context = lambda_http::aws_lambda_events::apigw::ApiGatewayProxyRequestContext::default();
        context.identity.source_ip = Some("203.0.113.7".into());
        let request = http::Request::builder()
            .uri("/auth/login")
            .header("user-agent", "app/1.0")
            .header("authorization", "Bearer secret")
            .header("x-forwarded-for", "198.51.100.1")
            .extension(RequestContext::ApiGatewayV1(context))
            .body(())
            .unwrap();
        let data = context_data(&request.into_parts().0);
        assert_eq!(data.ip_address(), "203.0.113.7");
        let names: Vec<&str> = data.http_headers().iter().filter_map(|h| h.header_name()).collect();
        assert_eq!(names, ["user-agent"]);
    }

    #[tokio::test]
    async fn public_calls_get_the_gateways_source_ip_too() {
        let mut context = lambda_http::aws_lambda_events::apigw::ApiGatewayProxyRequestContext::default();
        context.identity.source_ip = Some("203.0.113.7".into());
        let request = http::Request::builder()
            .uri("/auth/signup")
            .header("x-forwarded-for", "198.51.100.1")
            .extension(RequestContext::ApiGatewayV1(context))
            .body(())
            .unwrap();
        let UserContext(data) = UserContext::from_request_parts(&mut request.into_parts().0, &()).await.unwrap();
        assert_eq!(data.ip_address(), Some("203.0.113.7"));
        assert_eq!(data.encoded_data(), None);
    }
}
