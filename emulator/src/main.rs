//! The `awsso-emulator` command: starts the emulator on 127.0.0.1, prints where it listens and
//! the line to paste into a shell, and serves until Ctrl-C or SIGTERM.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use awsso_emulator::{Directory, Emulator, Faults, Options};
use clap::Parser;

/// IAM Identity Center (SSO OIDC, SSO portal) and STS on loopback, for awsso's tests and demo.
///
/// One port serves all three services. Point any AWS client at it with
/// `export AWS_ENDPOINT_URL=http://127.0.0.1:PORT` (printed on start). The user signs in by
/// opening the printed verification or authorize URL (any HTTP GET approves), or at once with
/// --auto-approve.
#[derive(Debug, Parser)]
#[command(name = "awsso-emulator", version)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Serve HTTPS with this PEM certificate chain (it must name 127.0.0.1).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Approve device codes as soon as they are created.
    #[arg(long)]
    auto_approve: bool,
    /// JSON file with the user, accounts, roles and IAM users (default: the built-in directory).
    #[arg(long, value_name = "FILE")]
    directory: Option<PathBuf>,
    /// Serve a generated directory of N accounts (account-00001, ...) instead.
    #[arg(long, value_name = "N", conflicts_with = "directory")]
    generate_accounts: Option<usize>,
    /// Roles (Role1..RoleM) of each generated account.
    #[arg(
        long,
        value_name = "M",
        default_value_t = 1,
        requires = "generate_accounts"
    )]
    roles_per_account: usize,
    /// Access token lifetime, seconds.
    #[arg(long, value_name = "SECS", default_value_t = 28800)]
    token_ttl: u64,
    /// Client registration lifetime, seconds.
    #[arg(long, value_name = "SECS", default_value_t = 7776000)]
    registration_ttl: u64,
    /// Role credentials lifetime, seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    credentials_ttl: u64,
    /// Most accounts or roles per page.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
    page_size: u64,
    /// Device-flow polling interval returned to clients, seconds.
    #[arg(long, value_name = "N", default_value_t = 1)]
    interval: u64,
    /// Fault: answer the first N polls of each device code with authorization_pending.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pending_polls: u32,
    /// Fault: then answer N polls with slow_down.
    #[arg(long, value_name = "N", default_value_t = 0)]
    slow_down_polls: u32,
    /// Fault: device codes end in access_denied.
    #[arg(long)]
    deny_device: bool,
    /// Fault: /authorize redirects with error=access_denied.
    #[arg(long)]
    deny_authorization: bool,
    /// Fault: device codes live SECS (reported as expiresIn) instead of 600.
    #[arg(long, value_name = "SECS")]
    device_code_ttl: Option<u64>,
    /// Fault: the next API requests answer these statuses, one each (e.g. 500,503).
    #[arg(long, value_name = "STATUS,...", value_delimiter = ',')]
    fail_next: Vec<u16>,
    /// Fault: the next N API requests are throttled.
    #[arg(long, value_name = "N", default_value_t = 0)]
    throttle_next: u32,
    /// Fault: delay every answer by MS milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    delay_ms: u64,
    /// Fault: allow ListAccounts and ListAccountRoles together N times a second (token bucket).
    #[arg(long, value_name = "N")]
    list_rate: Option<u32>,
    /// Fault: CreateToken answers carry TEXT verbatim as expiresIn (e.g. 1e15).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    expires_in_raw: Option<String>,
    /// Fault: StartDeviceAuthorization answers carry TEXT verbatim as expiresIn.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    device_expires_in_raw: Option<String>,
}

fn options(args: &Args) -> Result<Options, String> {
    let directory = match &args.directory {
        None => match args.generate_accounts {
            Some(accounts) if accounts >= 900_000_000_000 => {
                return Err(format!(
                    "--generate-accounts: {accounts} accounts would not all have 12-digit ids"
                ))
            }
            Some(accounts) => Directory::generated(accounts, args.roles_per_account),
            None => Directory::default(),
        },
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Directory::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
    };
    if let Some(bad) = args.fail_next.iter().find(|s| !(100..=599).contains(*s)) {
        return Err(format!("--fail-next: {bad} is not an HTTP status"));
    }
    let faults = Faults {
        pending_polls: args.pending_polls,
        slow_down_polls: args.slow_down_polls,
        deny_device: args.deny_device,
        deny_authorization: args.deny_authorization,
        device_code_ttl: args.device_code_ttl.map(Duration::from_secs),
        fail_next: args.fail_next.clone(),
        throttle_next: args.throttle_next,
        delay: Duration::from_millis(args.delay_ms),
        list_rate: args.list_rate,
        expires_in_raw: args.expires_in_raw.clone(),
        device_expires_in_raw: args.device_expires_in_raw.clone(),
        raw_next: Vec::new(),
    };
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let mut options = Options::default();
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        options = options.tls(read(cert)?, read(key)?);
    }
    Ok(options
        .port(args.port)
        .auto_approve(args.auto_approve)
        .directory(directory)
        .token_ttl(Duration::from_secs(args.token_ttl))
        .registration_ttl(Duration::from_secs(args.registration_ttl))
        .credentials_ttl(Duration::from_secs(args.credentials_ttl))
        .page_size(usize::try_from(args.page_size).unwrap_or(usize::MAX))
        .interval(args.interval)
        .faults(faults))
}

/// Ctrl-C and SIGTERM, registered before the URL is printed: a script that reads the first
/// line and signals at once must find the handlers in place (else the default action kills
/// the process with status 15 instead of a clean exit).
struct Signals {
    runtime: tokio::runtime::Runtime,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn register() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let _guard = runtime.enter();
            let interrupt = signal(SignalKind::interrupt())?;
            let terminate = signal(SignalKind::terminate())?;
            Ok(Signals {
                runtime,
                interrupt,
                terminate,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals { runtime })
    }

    /// Waits for Ctrl-C or SIGTERM.
    fn wait(mut self) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            let (interrupt, terminate) = (&mut self.interrupt, &mut self.terminate);
            self.runtime.block_on(async {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            });
            Ok(())
        }
        #[cfg(not(unix))]
        self.runtime.block_on(tokio::signal::ctrl_c())
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let options = match options(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("awsso-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::try_start(options) {
        Ok(emulator) => emulator,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!("awsso-emulator: {e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!(
                "awsso-emulator: cannot listen on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let signals = match Signals::register() {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("awsso-emulator: cannot wait for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    // Scripts read the first line to learn the port, so it must leave the buffer now.
    let printed = writeln!(out, "listening on {}", emulator.url())
        .and_then(|_| writeln!(out, "export AWS_ENDPOINT_URL={}", emulator.url()))
        .and_then(|_| out.flush());
    drop(out);
    if printed.is_err() {
        return ExitCode::FAILURE;
    }
    if let Err(e) = signals.wait() {
        eprintln!("awsso-emulator: cannot wait for signals: {e}");
        return ExitCode::FAILURE;
    }
    drop(emulator);
    ExitCode::SUCCESS
}
