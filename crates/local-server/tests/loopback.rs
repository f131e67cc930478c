//! The local server answers only at loopback names: a page of another site that
//! rebinds its own name to 127.0.0.1 cannot read the outbox, the console or the API.

use axum::routing::get;
use axum::Router;

#[tokio::test]
async fn a_rebound_name_is_refused_and_loopback_names_are_served() {
    let app = local_server::at_loopback_only(Router::new().route("/_local/outbox", get(|| async { "the codes" })));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = reqwest::Client::new();
    let at = |host: String| http.get(format!("http://127.0.0.1:{port}/_local/outbox")).header("host", host).send();
    let rebound = at(format!("evil.example:{port}")).await.unwrap();
    assert_eq!(rebound.status(), 403);
    assert!(!rebound.text().await.unwrap().contains("the codes"));
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
        assert_eq!(at(host.clone()).await.unwrap().status(), 200, "{host}");
    }
}
