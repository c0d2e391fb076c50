//! A start URL on a host AWS does not own (`https://127.0.0.1:PORT/start`), served over TLS
//! by the test with its own CA, which a sandbox trusts through `AWS_CA_BUNDLE`: the start-URL
//! resolution of `sso login` and `configure sso` (reference §2.3).

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

/// A one-route HTTPS server answering every request with `status` and `location`,
/// recording request lines.
pub struct VanityServer {
    pub port: u16,
    pub ca_pem: String,
    pub requests: Arc<Mutex<Vec<String>>>,
    _runtime: tokio::runtime::Runtime,
}

impl VanityServer {
    pub fn start(status: u16, location: Option<&str>) -> VanityServer {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "awsso test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(("127.0.0.1", 0)))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let location = location.map(str::to_owned);
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let acceptor = acceptor.clone();
                let seen = seen.clone();
                let location = location.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&head);
                    let line = text.lines().next().unwrap_or_default();
                    let words: Vec<&str> = line.split_whitespace().collect();
                    seen.lock()
                        .unwrap()
                        .push(format!("{} {}", words[0], words[1]));
                    let mut reply = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n"
                    );
                    if let Some(location) = &location {
                        reply.push_str(&format!("Location: {location}\r\n"));
                    }
                    reply.push_str("\r\n");
                    let _ = tls.write_all(reply.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        VanityServer {
            port,
            ca_pem: ca.pem(),
            requests,
            _runtime: runtime,
        }
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}/start", self.port)
    }

    /// Makes `sandbox` trust this server's CA (`AWS_CA_BUNDLE`).
    pub fn trust(&self, sandbox: &mut super::Sandbox) {
        let ca = sandbox.home().join("ca.pem");
        super::write_file(&ca, &self.ca_pem);
        sandbox.set_env("AWS_CA_BUNDLE", &ca.display().to_string());
    }

    /// The request lines received so far (`HEAD /start`).
    pub fn request_lines(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}
