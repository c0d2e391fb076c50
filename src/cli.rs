//! The command line: clap derive types mirroring the AWS CLI's command tree and its global
//! options. Only declarations live here; precedence (flag > env > profile) is settled in
//! `settings`, and clap's errors are turned into v2's messages in `lib.rs`.

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "awsso",
    about = "A fast drop-in replacement for the AWS CLI v2's IAM Identity Center (AWS SSO) commands",
    disable_version_flag = true,
    // v2 accepts global options anywhere; clap needs them declared global for that.
    propagate_version = false
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The command tree as the man pages show it (`scripts/gen-man`): with the version in their
/// footers.
pub fn man_command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().version(env!("CARGO_PKG_VERSION"))
}

/// The AWS CLI's global options, accepted before or after the command.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Use a specific profile from your credential file.
    #[arg(long, global = true, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// The region to use. Overrides config/env settings.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// The formatting style for command output.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// A JMESPath query to use in filtering the response data.
    #[arg(long, global = true, value_name = "EXPR")]
    pub query: Option<String>,
    /// Turn on debug logging.
    #[arg(long, global = true)]
    pub debug: bool,
    /// Override command's default URL with the given URL.
    #[arg(long = "endpoint-url", global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// By default, the AWS CLI uses SSL when communicating with AWS services. This overrides
    /// the default behavior of verifying SSL certificates.
    #[arg(long = "no-verify-ssl", global = true)]
    pub no_verify_ssl: bool,
    /// The CA certificate bundle to use when verifying SSL certificates.
    #[arg(long = "ca-bundle", global = true, value_name = "PATH")]
    pub ca_bundle: Option<String>,
    /// The maximum socket read time in seconds. If the value is set to 0, the socket read
    /// will be blocking and not timeout. The default value is 60 seconds.
    // v2's argparse takes `-1` as the value (its type is `int`); what a negative value does
    // is decided in `settings::transport`.
    #[arg(
        long = "cli-read-timeout",
        global = true,
        value_name = "SECONDS",
        allow_negative_numbers = true
    )]
    pub cli_read_timeout: Option<i64>,
    /// The maximum socket connect time in seconds. If the value is set to 0, the socket
    /// connect will be blocking and not timeout. The default value is 60 seconds.
    #[arg(
        long = "cli-connect-timeout",
        global = true,
        value_name = "SECONDS",
        allow_negative_numbers = true
    )]
    pub cli_connect_timeout: Option<i64>,
    /// Turn on/off color output.
    #[arg(long, global = true, value_enum, value_name = "on|off|auto")]
    pub color: Option<ColorChoice>,
    /// Disable automatic pagination.
    #[arg(long = "no-paginate", global = true)]
    pub no_paginate: bool,
    /// Disable cli pager for output.
    #[arg(long = "no-cli-pager", global = true)]
    pub no_cli_pager: bool,
    /// Display the version of this tool.
    #[arg(long, global = true)]
    pub version: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Text,
    Table,
    Yaml,
    #[value(name = "yaml-stream")]
    YamlStream,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    On,
    Off,
    Auto,
}

/// Subcommands defer their arguments (`defer = true`, here and in each nested command enum):
/// a run builds only the commands on its own path, which is most of awsso's start-up work
/// (docs/compatibility.md, "Static binary"). Code that walks the whole tree calls
/// `Command::build` first. A deferred `Args` struct's doc comment would replace its
/// command's description, so those structs carry `//` comments.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Configure AWS CLI options: SSO profiles and sessions, credential export.
    Configure {
        #[command(subcommand)]
        command: ConfigureCommand,
    },
    /// AWS IAM Identity Center (successor to AWS Single Sign-On).
    Sso {
        #[command(subcommand)]
        command: SsoCommand,
    },
    /// AWS Security Token Service.
    Sts {
        #[command(subcommand)]
        command: StsCommand,
    },
    /// Alias of `sso login`.
    Login(LoginArgs),
    /// Alias of `sso logout`.
    Logout(LogoutArgs),
    /// Alias of `sts get-caller-identity`.
    #[command(name = "get-caller-identity")]
    GetCallerIdentity,
    /// Opens the AWS console in the browser, signed in with the profile's credentials.
    #[command(after_help = CONSOLE_AFTER_HELP)]
    Console(ConsoleArgs),
    /// Runs a command with the profile's credentials and region in its environment.
    #[command(after_help = EXEC_AFTER_HELP)]
    Exec(ExecArgs),
    /// Serves the profile's credentials on 127.0.0.1 as a container credentials endpoint.
    #[command(after_help = SERVE_AFTER_HELP)]
    Serve(ServeArgs),
    /// Alias of `sso status`.
    #[command(after_help = STATUS_AFTER_HELP)]
    Status(StatusArgs),
    /// Prints the shell code that registers awsso's TAB completion.
    #[command(after_help = COMPLETION_AFTER_HELP)]
    Completion(CompletionArgs),
}

/// `exec --help`'s closing text (README, "Credentials for other tools").
const EXEC_AFTER_HELP: &str = "\
CMD's environment loses AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_SECURITY_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_PROFILE, AWS_DEFAULT_PROFILE and the
AWS_CONTAINER_* variables, then gets the credentials (or, with --server, the endpoint), and
AWS_REGION and AWS_DEFAULT_REGION when the profile has a region, and AWSSO_PROFILE (an exec
inside it is refused).

The keys exec hands over are static: they stop working when they expire (an hour, or the
role's session duration). A job that may run longer should use --server, whose endpoint the
SDKs ask again for fresh credentials, refreshed silently as long as the SSO session lasts.

Exit status: CMD's; 127 when CMD cannot be run; a signal that ends CMD ends awsso the same way.

  awsso exec --profile dev -- terraform plan
  awsso exec --profile dev --server -- ./nightly-job.sh";

/// `serve --help`'s closing text.
const SERVE_AFTER_HELP: &str = "\
Prints the two lines that point the AWS SDKs and the AWS CLI at the endpoint, then serves
until interrupted (Ctrl-C: exit 130):

  export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/
  export AWS_CONTAINER_AUTHORIZATION_TOKEN=TOKEN

Every answer carries credentials with at least 5 minutes left, refreshed silently (role
credentials and the SSO token); when the SSO session needs a browser login, the endpoint
answers 503 LoginRequired until `awsso sso login` is run. A request without the token gets
401. It binds 127.0.0.1 only, which is all the SDKs accept over http: a container reaches it
with host networking (docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e
AWS_CONTAINER_AUTHORIZATION_TOKEN ...). A tool that reads a profile first (AWS_PROFILE, a
[default] with credentials) uses that instead.";

// `awsso exec [--server] [--auto-login] -- CMD [ARGS...]`.
#[derive(Debug, Args, Clone)]
pub struct ExecArgs {
    /// Instead of static keys, give CMD a container credentials endpoint on 127.0.0.1 that
    /// serves fresh credentials for as long as CMD runs.
    #[arg(long)]
    pub server: bool,
    /// When the SSO session needs a browser login, log in on the terminal (without one,
    /// fail at once naming the command to run).
    #[arg(long = "auto-login")]
    pub auto_login: bool,
    /// The command to run, and its arguments (after `--` when they start with a dash).
    #[arg(
        value_name = "CMD",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_parser = clap::value_parser!(std::ffi::OsString)
    )]
    pub command: Vec<std::ffi::OsString>,
}

// `awsso serve [--port N]`.
#[derive(Debug, Args, Clone, Default)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 to listen on (default: a free one).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
}

/// `sso status --help`'s closing text: the states and exit codes (docs/compatibility.md,
/// "Status").
pub const STATUS_AFTER_HELP: &str = "\
States: valid (more than 15 minutes left), refreshable (15 minutes or less, or expired, but a
refresh token and an unexpired client registration let any AWS tool renew it silently),
expired (a cached token that is neither: a browser login is needed), none (no cached token).
Reads files only; makes no request.

Output: the formatter's (--output json|text|table|yaml, --query) on
{\"Sessions\": [{\"Name\", \"StartUrl\", \"Region\", \"State\", \"ExpiresAt\",
\"RegistrationExpiresAt\", \"Profiles\": [{\"Name\", \"AccountId\", \"RoleName\",
\"CredentialsExpireAt\"}]}]}; the table is titled SsoStatus. --prompt prints one line per
session instead: NAME 6h12m, NAME refresh, NAME expired or NAME none.

Exit status: 0 when every listed session is usable without a browser (valid or refreshable),
1 when at least one needs a browser login (expired or none), 253 for a --profile that does
not exist or has no SSO settings, or an --sso-session that does not exist.";

/// `completion --help`'s closing text: how to install it in each shell (README, "Shell").
const COMPLETION_AFTER_HELP: &str = "\
The script asks awsso for candidates at each TAB (commands, flags, profiles from the config
and credentials files, sso-session names, output formats, regions), so it never goes stale.
Load it when the shell starts:

  bash        echo 'source <(awsso completion bash)' >> ~/.bashrc
  zsh         echo 'source <(awsso completion zsh)' >> ~/.zshrc   (after compinit)
  fish        echo 'awsso completion fish | source' >> ~/.config/fish/config.fish
  elvish      echo 'eval (awsso completion elvish | slurp)' >> ~/.config/elvish/rc.elv
  powershell  Add-Content $PROFILE 'awsso completion powershell | Out-String | Invoke-Expression'

`COMPLETE=bash awsso` prints the same script.";

// `awsso completion SHELL`.
#[derive(Debug, Args, Clone)]
pub struct CompletionArgs {
    /// The shell to print the registration for.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl CompletionShell {
    /// The shell's name as clap_complete knows it.
    pub fn name(self) -> &'static str {
        match self {
            CompletionShell::Bash => "bash",
            CompletionShell::Zsh => "zsh",
            CompletionShell::Fish => "fish",
            CompletionShell::Powershell => "powershell",
            CompletionShell::Elvish => "elvish",
        }
    }
}

// `awsso sso status` (alias `awsso status`): `--profile` (the flag) or `--sso-session`
// narrows the list to one session.
#[derive(Debug, Args, Clone, Default)]
pub struct StatusArgs {
    /// Show this SSO session only; `--profile` does the same for the profile's session.
    #[arg(long = "sso-session", value_name = "NAME")]
    pub sso_session: Option<String>,
    /// Print one line per session for a shell prompt (`my-sso 6h12m`, `my-sso refresh`,
    /// `my-sso expired`, `my-sso none`); --output and --query do not apply.
    #[arg(long)]
    pub prompt: bool,
}

/// `console --help`'s closing text. The shortcut list is checked against the table in
/// `signin/destination.rs` by a test there.
const CONSOLE_AFTER_HELP: &str = "\
The credentials are resolved as for any command (SSO, assume role, credential_process, the
environment) and exchanged at the AWS federation endpoint for a sign-in URL that is valid for
15 minutes. Long-term IAM user keys cannot sign in to the console.

Service shortcuts for --destination: acm, apigateway, athena, billing, cfn, cloudformation,
cloudfront, cloudshell, cloudtrail, cloudwatch, codepipeline, cw, ddb, dynamodb, ec2, ecr, ecs,
eks, eventbridge, glue, iam, kms, lambda, organizations, rds, route53, s3, sagemaker,
secretsmanager, sfn, sns, sqs, ssm, sso, vpc.";

#[derive(Debug, Args, Clone, Default)]
pub struct ConsoleArgs {
    /// Print the sign-in URL on stdout instead of opening the browser (for another browser
    /// or browser profile). Anyone who opens it within 15 minutes is signed in.
    #[arg(long)]
    pub print: bool,
    /// The console page to open: a console URL (https://...), or a service shortcut (s3,
    /// ec2, iam, ...) opened in the profile's region. Default: the console home of the
    /// region.
    #[arg(long, value_name = "URL|SERVICE")]
    pub destination: Option<String>,
    /// Length of the console session in seconds, from 900 (15 minutes) to 43200 (12 hours).
    /// Without it, the federation endpoint's default applies.
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<String>,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ConfigureCommand {
    /// Configures a profile to use IAM Identity Center (SSO) credentials.
    Sso(ConfigureSsoArgs),
    /// Configures an SSO session that profiles can share.
    #[command(name = "sso-session")]
    SsoSession(ConfigureSsoSessionArgs),
    /// Outputs the resolved credentials of a profile in a chosen format.
    #[command(name = "export-credentials")]
    ExportCredentials(ExportCredentialsArgs),
    /// Lists the profile names available in the config and credentials files.
    #[command(name = "list-profiles")]
    ListProfiles,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ConfigureSsoArgs {
    /// Disables automatically opening the verification URL in the default browser.
    #[arg(long = "no-browser")]
    pub no_browser: bool,
    /// Uses the Device Code authorization grant and login flow instead of the
    /// Authorization Code flow.
    #[arg(long = "use-device-code", overrides_with = "no_use_device_code")]
    pub use_device_code: bool,
    /// Uses the Authorization Code flow (the browser on this machine) even where awsso
    /// would choose the device code (an SSH session, a container, sso_use_device_code).
    #[arg(long = "no-use-device-code", overrides_with = "use_device_code")]
    pub no_use_device_code: bool,
    /// Signs in with the Authorization Code flow, listening for the browser's redirect on
    /// this port of 127.0.0.1 (for `ssh -L N:127.0.0.1:N`); ignored when the device code is
    /// asked for. Default: the session's sso_redirect_port, else a free port.
    #[arg(long = "redirect-port", value_name = "N")]
    pub redirect_port: Option<String>,
    /// Also prints the verification URL as a QR code, to sign in from a phone (implies
    /// --use-device-code).
    #[arg(long, conflicts_with = "no_use_device_code")]
    pub qr: bool,
    /// The session prompts' answers, shared with `configure sso-session`.
    #[command(flatten)]
    pub session: ConfigureSsoSessionArgs,
    /// Account to use (answers the account picker).
    #[arg(long = "account-id", value_name = "ID")]
    pub account_id: Option<String>,
    /// Role to use (answers the role picker).
    #[arg(long = "role-name", value_name = "NAME")]
    pub role_name: Option<String>,
    /// Default output format of the new profile (answers the prompt).
    #[arg(long = "output-format", value_name = "FORMAT")]
    pub output_format: Option<String>,
    /// Name of the profile to write (answers the prompt).
    #[arg(long = "profile-name", value_name = "NAME")]
    pub profile_name: Option<String>,
    /// Write one profile for every account and role you can reach.
    #[arg(long = "all-roles")]
    pub all_roles: bool,
    /// Profile name template for --all-roles.
    #[arg(
        long = "profile-template",
        value_name = "TEMPLATE",
        requires = "all_roles"
    )]
    pub profile_template: Option<String>,
    /// With --all-roles: also remove the profiles --all-roles wrote earlier for this SSO
    /// session that this run does not write (roles no longer granted, names from an old
    /// template); profiles it did not write are kept and, if no longer granted, named on stderr.
    #[arg(
        long = "prune",
        requires = "all_roles",
        conflicts_with_all = ["account_id", "role_name"]
    )]
    pub prune: bool,
    /// With --all-roles: print the change to the config file as a unified diff and write
    /// nothing.
    #[arg(long = "dry-run", requires = "all_roles")]
    pub dry_run: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ConfigureSsoSessionArgs {
    /// SSO session name (answers the prompt).
    #[arg(long = "sso-session", value_name = "NAME")]
    pub sso_session: Option<String>,
    /// SSO start URL (answers the prompt).
    #[arg(long = "sso-start-url", value_name = "URL")]
    pub sso_start_url: Option<String>,
    /// SSO region (answers the prompt).
    #[arg(long = "sso-region", value_name = "REGION")]
    pub sso_region: Option<String>,
    /// SSO registration scopes, comma separated (answers the prompt).
    #[arg(long = "sso-registration-scopes", value_name = "SCOPES")]
    pub sso_registration_scopes: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct ExportCredentialsArgs {
    /// The output format to display credentials.
    #[arg(long, value_enum, default_value = "process")]
    pub format: ExportFormat,
    /// When the SSO session needs a browser login, log in on the terminal: the URL and code
    /// go to the terminal, never to stdout (without one, fail at once naming the command to
    /// run). Parallel runs share one login.
    #[arg(long = "auto-login")]
    pub auto_login: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Process,
    Env,
    #[value(name = "env-no-export")]
    EnvNoExport,
    Powershell,
    #[value(name = "windows-cmd")]
    WindowsCmd,
    Fish,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum SsoCommand {
    /// Retrieves and caches an AWS IAM Identity Center access token to exchange for AWS
    /// credentials.
    Login(LoginArgs),
    /// Removes all cached AWS IAM Identity Center access tokens and any cached temporary AWS
    /// credentials retrieved with SSO access tokens across all profiles.
    Logout(LogoutArgs),
    /// Lists all AWS accounts assigned to the user.
    #[command(name = "list-accounts")]
    ListAccounts(ListAccountsArgs),
    /// Lists all roles that are assigned to the user for a given AWS account.
    #[command(name = "list-account-roles")]
    ListAccountRoles(ListAccountRolesArgs),
    /// Returns the STS short-term credentials for a given role name that is assigned to the
    /// user.
    #[command(name = "get-role-credentials")]
    GetRoleCredentials(GetRoleCredentialsArgs),
    /// Shows each SSO session's state from the caches, offline: valid, refreshable, expired
    /// or none.
    ///
    /// Each session is shown with the expiry of its token and of its client registration,
    /// and with its profiles and the expiry of their cached role credentials.
    #[command(after_help = STATUS_AFTER_HELP)]
    Status(StatusArgs),
}

#[derive(Debug, Args, Clone, Default)]
pub struct LoginArgs {
    /// An explicit SSO session to use to login. By default, this command will login using
    /// the SSO session configured as part of the requested profile.
    #[arg(long = "sso-session", value_name = "NAME")]
    pub sso_session: Option<String>,
    /// Disables automatically opening the verification URL in the default browser.
    #[arg(long = "no-browser")]
    pub no_browser: bool,
    /// Uses the Device Code authorization grant and login flow instead of the
    /// Authorization Code flow.
    #[arg(long = "use-device-code", overrides_with = "no_use_device_code")]
    pub use_device_code: bool,
    /// Uses the Authorization Code flow (the browser on this machine) even where awsso
    /// would choose the device code (an SSH session, a container, sso_use_device_code).
    #[arg(long = "no-use-device-code", overrides_with = "use_device_code")]
    pub no_use_device_code: bool,
    /// Signs in with the Authorization Code flow, listening for the browser's redirect on
    /// this port of 127.0.0.1 (for `ssh -L N:127.0.0.1:N`); ignored when the device code is
    /// asked for. Default: the session's sso_redirect_port, else a free port.
    #[arg(long = "redirect-port", value_name = "N")]
    pub redirect_port: Option<String>,
    /// Also prints the verification URL as a QR code, to sign in from a phone (implies
    /// --use-device-code).
    #[arg(long, conflicts_with = "no_use_device_code")]
    pub qr: bool,
    /// Skip the login when the cached token is still valid for 15 minutes or can be
    /// refreshed silently.
    #[arg(long = "if-needed")]
    pub if_needed: bool,
    /// Sign out at the portal first, then log in anew.
    #[arg(long, conflicts_with = "if_needed")]
    pub force: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct LogoutArgs {
    /// Sign out of this SSO session only (awsso); `--profile` does the same for the
    /// profile's session.
    #[arg(long = "sso-session", value_name = "NAME")]
    pub sso_session: Option<String>,
}

// The AWS CLI's pagination options for paginated operations.
#[derive(Debug, Args, Clone, Default)]
pub struct PaginationArgs {
    /// A token to specify where to start paginating.
    #[arg(long = "starting-token", value_name = "TOKEN")]
    pub starting_token: Option<String>,
    /// The size of each page to get in the AWS service call.
    // Python ints: argparse takes `-1` as a value; what a value below 1 does is decided in
    // `portal::paginate`.
    #[arg(long = "page-size", value_name = "N")]
    pub page_size: Option<i64>,
    /// The total number of items to return in the command's output.
    #[arg(long = "max-items", value_name = "N")]
    pub max_items: Option<i64>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct PortalTokenArgs {
    /// The token issued by the CreateToken API call. Optional in awsso: the cached token of
    /// the profile or session is used without it.
    #[arg(long = "access-token", value_name = "TOKEN")]
    pub access_token: Option<String>,
    /// Use the cached token of this SSO session (awsso).
    #[arg(long = "sso-session", value_name = "NAME")]
    pub sso_session: Option<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ListAccountsArgs {
    #[command(flatten)]
    pub token: PortalTokenArgs,
    #[command(flatten)]
    pub pagination: PaginationArgs,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ListAccountRolesArgs {
    #[command(flatten)]
    pub token: PortalTokenArgs,
    /// The identifier for the AWS account that is assigned to the user.
    #[arg(long = "account-id", value_name = "ID")]
    pub account_id: Option<String>,
    #[command(flatten)]
    pub pagination: PaginationArgs,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GetRoleCredentialsArgs {
    #[command(flatten)]
    pub token: PortalTokenArgs,
    /// The friendly name of the role that is assigned to the user.
    #[arg(long = "role-name", value_name = "NAME")]
    pub role_name: Option<String>,
    /// The identifier for the AWS account that is assigned to the user.
    #[arg(long = "account-id", value_name = "ID")]
    pub account_id: Option<String>,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum StsCommand {
    /// Returns details about the IAM user or role whose credentials are used to call the
    /// operation.
    #[command(name = "get-caller-identity")]
    GetCallerIdentity,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_are_accepted_after_the_command() {
        let cli = Cli::try_parse_from([
            "awsso",
            "sts",
            "get-caller-identity",
            "--profile",
            "dev",
            "--output",
            "text",
        ])
        .unwrap();
        assert_eq!(cli.global.profile.as_deref(), Some("dev"));
        assert_eq!(cli.global.output, Some(OutputFormat::Text));
    }
}
