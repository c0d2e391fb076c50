//! HTTPS for tests of TLS trust: the server side ([`crate::Options::tls`] serves every route
//! over TLS with rustls and the ring provider) and [`TestCa`], a throwaway certificate
//! authority whose server certificate names `127.0.0.1` and `localhost`, for a test to trust
//! through `AWS_CA_BUNDLE`, `SSL_CERT_FILE` or a client's own root store.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// A client that connects and never finishes its handshake is dropped after this long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The TLS acceptor for a PEM certificate chain (leaf first) and its PEM private key.
pub(crate) fn acceptor(cert_chain_pem: &str, key_pem: &str) -> io::Result<TlsAcceptor> {
    let invalid = |what: &str, e: &dyn std::fmt::Display| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {e}"))
    };
    let chain = CertificateDer::pem_slice_iter(cert_chain_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid("TLS certificate", &e))?;
    if chain.is_empty() {
        return Err(invalid("TLS certificate", &"no PEM certificate found"));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| invalid("TLS private key", &e))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| invalid("TLS versions", &e))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| invalid("TLS certificate and key", &e))?;
    // The server speaks HTTP/1.1 only; saying so lets an h2-preferring client settle at once.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Accepts TCP connections and hands on those whose TLS handshake completed. Handshakes run
/// in their own tasks, so a slow or silent client never holds up the next one.
pub(crate) struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    /// Starts accepting; must be called inside the runtime that will serve.
    pub fn new(tcp: TcpListener, acceptor: TlsAcceptor) -> io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let (done, ready) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    // Out of descriptors and the like: wait for connections to close.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // As for plain HTTP: no delayed-ACK stalls on answers written in two segments.
                let _ = stream.set_nodelay(true);
                let acceptor = acceptor.clone();
                let done = done.clone();
                tokio::spawn(async move {
                    let handshake =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream));
                    if let Ok(Ok(tls)) = handshake.await {
                        let _ = done.send((tls, peer)).await;
                    }
                });
            }
        });
        Ok(TlsListener { ready, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accept task ended with the runtime; nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// A throwaway certificate authority and a server certificate it signed for `127.0.0.1` and
/// `localhost`, made fresh (new keys) for each test:
///
/// ```
/// use awsso_emulator::{tls::TestCa, Emulator, Options};
/// let ca = TestCa::new();
/// let emu = Emulator::start(Options::default().tls(ca.cert_pem(), ca.key_pem()));
/// assert!(emu.url().starts_with("https://127.0.0.1:"));
/// let dir = std::env::temp_dir().join(format!("test-ca-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// ca.write_ca_pem(dir.join("ca.pem")).unwrap(); // then SSL_CERT_FILE / AWS_CA_BUNDLE
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct TestCa {
    ca: rcgen::Certificate,
    ca_key: rcgen::KeyPair,
    cert_pem: String,
    key_pem: String,
}

impl TestCa {
    /// A new CA (CN "awsso-emulator test CA" and a random suffix) and a server certificate
    /// for `127.0.0.1` and `localhost`.
    ///
    /// # Panics
    /// If key generation fails, which ring does not do short of a broken system RNG.
    pub fn new() -> TestCa {
        let ca_key = rcgen::KeyPair::generate().expect("generate the test CA's key");
        let mut params =
            rcgen::CertificateParams::new(Vec::<String>::new()).expect("empty CA names");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        params.distinguished_name = rcgen::DistinguishedName::new();
        // A name of its own: a client trusting another TestCa then fails as with any unknown
        // CA (UnknownIssuer), not on a signature by a same-named one.
        let name = format!("awsso-emulator test CA {}", crate::state::random_token(12));
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let ca = params.self_signed(&ca_key).expect("self-sign the test CA");
        let mut test_ca = TestCa {
            ca,
            ca_key,
            cert_pem: String::new(),
            key_pem: String::new(),
        };
        let (cert_pem, key_pem) = test_ca.issue(&["127.0.0.1", "localhost"]);
        test_ca.cert_pem = cert_pem;
        test_ca.key_pem = key_pem;
        test_ca
    }

    /// The CA certificate (PEM): what a client must trust.
    pub fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    /// The server certificate (PEM) for `127.0.0.1` and `localhost`, signed by the CA.
    pub fn cert_pem(&self) -> String {
        self.cert_pem.clone()
    }

    /// The server certificate's private key (PKCS #8 PEM).
    pub fn key_pem(&self) -> String {
        self.key_pem.clone()
    }

    /// Writes the CA certificate to `path` (for `SSL_CERT_FILE`, `AWS_CA_BUNDLE`, `ca_bundle`).
    pub fn write_ca_pem(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.ca_pem())
    }

    /// Another server certificate from this CA, for these names (IP addresses become IP
    /// subject alternative names): `(cert_pem, key_pem)`. A certificate for `localhost` only
    /// tests that a client checks the name against `127.0.0.1`.
    ///
    /// # Panics
    /// If a name is not a valid DNS name or IP address.
    pub fn issue(&self, names: &[&str]) -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("generate a server key");
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = rcgen::CertificateParams::new(names).expect("valid server names");
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "awsso-emulator");
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        // OpenSSL's strict verification (Python 3.13's default) wants the issuer's key id.
        params.use_authority_key_identifier_extension = true;
        let cert = params
            .signed_by(&key, &self.ca, &self.ca_key)
            .expect("sign a server certificate");
        (cert.pem(), key.serialize_pem())
    }
}

impl Default for TestCa {
    fn default() -> Self {
        TestCa::new()
    }
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}
