//! The local Cognito behind HTTPS, as the functions reach Cognito in AWS: a CA
//! and a server certificate made for this run (rcgen), the emulator's router
//! served over rustls on one port, and over plain HTTP on another for the
//! bench's own set-up calls. Tokens name the HTTPS address as their issuer, so
//! a function's JWKS fetch goes over TLS too. The functions trust the CA only
//! when built with `auth-api/bench-ca` and run with `AUTH_API_BENCH_CA_FILE`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

pub struct TlsCognito {
    /// What the functions are given as COGNITO_ENDPOINT_URL.
    pub https_url: String,
    /// The same emulator without TLS, for set-up.
    pub http_url: String,
    /// The CA's PEM, for AUTH_API_BENCH_CA_FILE.
    pub ca_file: PathBuf,
    handshakes: Arc<AtomicUsize>,
}

impl TlsCognito {
    pub async fn start() -> Self {
        let tls_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let plain_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let https_url = format!("https://{}", tls_listener.local_addr().unwrap());
        let http_url = format!("http://{}", plain_listener.local_addr().unwrap());
        let emulator = local_cognito::Emulator::new(https_url.clone(), &local_cognito::Options::default())
            .expect("the local Cognito");

        let (ca_pem, acceptor) = certificates();
        let ca_file = std::env::temp_dir().join(format!("auth-bench-ca-{}.pem", std::process::id()));
        std::fs::write(&ca_file, ca_pem).expect("CA file");

        let handshakes = Arc::new(AtomicUsize::new(0));
        let listener = TlsListener { tcp: tls_listener, acceptor, handshakes: handshakes.clone() };
        let router = emulator.router();
        let router_tls = router.clone();
        tokio::spawn(async move { axum::serve(listener, router_tls).await });
        tokio::spawn(async move { axum::serve(plain_listener, router).await });
        Self { https_url, http_url, ca_file, handshakes }
    }

    /// TLS handshakes completed so far.
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}

impl Drop for TlsCognito {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

/// A CA for this run only, and a certificate for 127.0.0.1 and localhost signed by it.
fn certificates() -> (String, TlsAcceptor) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "auth make bench CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca, ca_key);

    let key = KeyPair::generate().expect("server key");
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).expect("params");
    let cert = server.signed_by(&key, &issuer).expect("server certificate");

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone(), ca_cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("server config");
    (ca_cert.pem(), TlsAcceptor::from(Arc::new(config)))
}

/// Accepts TCP connections and completes their TLS handshakes, counting them.
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    handshakes: Arc<AtomicUsize>,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, address)) = self.tcp.accept().await else { continue };
            // A client that gives up mid-handshake is skipped, not fatal.
            if let Ok(tls) = self.acceptor.accept(stream).await {
                self.handshakes.fetch_add(1, Ordering::SeqCst);
                return (tls, address);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
