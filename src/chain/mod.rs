//! The credential provider chain in AWS CLI v2's order (botocore's
//! `create_credential_resolver` in `botocore/credentials.py`): environment (skipped under an
//! explicit `--profile`), assume role (`role_arn` + `source_profile`, chained, cached in
//! `~/.aws/cli/cache`), SSO (legacy or sso-session, role credentials cached in
//! `~/.aws/cli/cache`), the credentials file, `credential_process`, config-file static keys.
//! Each link lives in its own module; [`Resolver`] walks them and recurses for source
//! profiles.
//!
//! Out of scope, and said so with a clear error when a profile relies on them: web identity
//! (`web_identity_token_file`), `aws login` sessions (`login_session`) and the
//! `EcsContainer`/`Ec2InstanceMetadata` `credential_source`s. Container and instance metadata
//! credentials are never looked up (awsso never calls the metadata service).
//!
//! Every message is botocore's. Errors carry the phase v2 raises them in
//! ([`ChainError::deferred`]): `configure export-credentials` wraps only load-phase errors.
//! The chain is synchronous; a link that makes a request runs it on the session's runtime.

pub mod assume_role;
pub mod environment;
pub mod error;
pub mod files;
pub mod process;
pub mod sso;

use std::cell::RefCell;

use crate::config::{self, Props};
use crate::context::ctx_debug;
use crate::credentials::{Credentials, Source};
use crate::error::Error;
use crate::settings::Session;

use error::{fetch_phase, load_phase};
pub use error::{ChainError, ChainResult};

/// A profile whose credentials the chain cannot resolve. The unsupported providers are
/// awsso's own texts (docs/compatibility.md, "Not supported"); the others are botocore's.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("awsso does not support web identity credentials (web_identity_token_file) used by the profile \"{profile}\"; use the AWS CLI for it")]
    WebIdentity { profile: String },
    #[error("awsso does not support aws login sessions (login_session) used by the profile \"{profile}\"; use the AWS CLI for it")]
    LoginSession { profile: String },
    /// `credential_source = EcsContainer | Ec2InstanceMetadata`.
    #[error("awsso does not support credential_source = {credential_source} (profile \"{profile}\"): it never calls the container or instance metadata services; use source_profile or the AWS CLI")]
    MetadataCredentialSource {
        credential_source: String,
        profile: String,
    },
    /// botocore's `CredentialRetrievalError`: `credential_source = Environment` with no
    /// keys in the environment.
    #[error("Error when retrieving credentials from {credential_source}: No credentials found in credential_source referenced in profile {profile}")]
    CredentialSourceEmpty {
        credential_source: String,
        profile: String,
    },
    /// botocore's `InvalidConfigError` for a `source_profile` that has nothing.
    #[error("The source profile \"{source_profile}\" must have credentials.")]
    SourceWithoutCredentials { source_profile: String },
}

impl From<ProfileError> for Error {
    fn from(e: ProfileError) -> Self {
        match e {
            ProfileError::CredentialSourceEmpty { .. } => Error::Other(Box::new(e)),
            ProfileError::WebIdentity { .. }
            | ProfileError::LoginSession { .. }
            | ProfileError::MetadataCredentialSource { .. }
            | ProfileError::SourceWithoutCredentials { .. } => Error::InvalidConfig(Box::new(e)),
        }
    }
}

/// Resolves the credentials of the session's profile, making requests only when a link
/// needs them.
pub struct Resolver<'s, 'a> {
    session: &'s Session<'a>,
    process_env: Vec<(String, String)>,
    /// `--auto-login`: an SSO link whose session needs a browser login logs in implicitly
    /// ([`crate::login::implicit`]) instead of failing.
    auto_login: bool,
    /// botocore's `_visited_profiles` of the assume-role provider.
    visited: RefCell<Vec<String>>,
}

static EMPTY: std::sync::LazyLock<Props> = std::sync::LazyLock::new(Props::default);

impl<'s, 'a> Resolver<'s, 'a> {
    pub fn new(session: &'s Session<'a>) -> Self {
        Resolver {
            session,
            process_env: Vec::new(),
            auto_login: false,
            visited: RefCell::new(vec![session.profile.name.clone()]),
        }
    }

    /// An extra variable for `credential_process` children (export-credentials' recursion
    /// guard).
    pub fn with_process_env(mut self, name: &str, value: &str) -> Self {
        self.process_env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// `--auto-login` (awsso; docs/compatibility.md, "Implicit logins"): log in when an SSO
    /// session needs a browser login and a terminal can answer it.
    pub fn with_auto_login(mut self, auto_login: bool) -> Self {
        self.auto_login = auto_login;
        self
    }

    fn profile_props(&self, name: &str) -> ChainResult<&'s Props> {
        let config = self.session.config().map_err(load_phase)?;
        Ok(config.profiles.get(name).unwrap_or(&EMPTY))
    }

    /// The first provider that has credentials; None when none has.
    pub fn resolve(&self) -> ChainResult<Option<Credentials>> {
        let ctx = self.session.ctx;
        let use_environment = !self.session.profile.explicit_flag;
        if use_environment {
            if let Some(creds) = environment::environment(ctx).map_err(load_phase)? {
                ctx_debug!(ctx, "Found credentials in environment variables.");
                return creds
                    .check_not_expired(ctx.now())
                    .map(Some)
                    .map_err(fetch_phase);
            }
        } else {
            ctx_debug!(
                ctx,
                "Skipping environment variable credential check because profile name was explicitly set."
            );
        }
        let name = self.session.profile.name.as_str();
        if assume_role::has_assume_role_vars(self.profile_props(name)?) {
            return self.assume_role(name).map(Some);
        }
        self.profile_providers(name, true, use_environment)
    }

    /// botocore's `ProfileProviderBuilder.providers`: web identity, SSO, credentials file,
    /// `aws login`, credential_process, config file.
    fn profile_providers(
        &self,
        name: &str,
        top_level: bool,
        env_allowed: bool,
    ) -> ChainResult<Option<Credentials>> {
        let ctx = self.session.ctx;
        let files = self.session.files().map_err(load_phase)?;
        let props = self.profile_props(name)?;
        if config::get(props, "web_identity_token_file").is_some()
            || (env_allowed && ctx.env.get("AWS_WEB_IDENTITY_TOKEN_FILE").is_some())
        {
            return Err(load_phase(ProfileError::WebIdentity {
                profile: name.to_owned(),
            }));
        }
        if let Some(sso) = sso::sso_config(&files.merged, name, props).map_err(load_phase)? {
            // Hints name the profile that needs a login when the user named one.
            let named = sso.profile != self.session.profile.name || self.session.profile.named;
            let target = sso.login_target(named);
            let fetch = sso::Fetch {
                file_cache: top_level,
                auto_login: self.auto_login,
            };
            return sso::sso_credentials(self.session, &sso, &target, fetch).map(Some);
        }
        if let Some(creds) = files::static_keys(
            files.credentials_profiles.get(name),
            Source::SharedCredentialsFile,
        )
        .map_err(load_phase)?
        {
            ctx_debug!(ctx, "Found credentials in shared credentials file.");
            return Ok(Some(creds));
        }
        if config::get(props, "login_session").is_some() {
            return Err(load_phase(ProfileError::LoginSession {
                profile: name.to_owned(),
            }));
        }
        if let Some(command) = config::get(props, "credential_process") {
            return process::credential_process(ctx, command, props, &self.process_env).map(Some);
        }
        if let Some(creds) = files::static_keys(files.config_profile(name), Source::ConfigFile)
            .map_err(load_phase)?
        {
            ctx_debug!(ctx, "Credentials found in config file.");
            return Ok(Some(creds));
        }
        Ok(None)
    }

    /// `AssumeRoleProvider._load_creds_via_assume_role`, with the assume-role cache checked
    /// before the source credentials are resolved (so a cache hit costs no source call).
    /// Every link of a chain shares the CLI's file cache, as in v2.
    fn assume_role(&self, name: &str) -> ChainResult<Credentials> {
        let config = self.session.config().map_err(load_phase)?;
        let role = assume_role::role_config(
            config,
            name,
            self.profile_props(name)?,
            &self.visited.borrow(),
        )
        .map_err(load_phase)?;
        if let Some(cached) = assume_role::cached(self.session.ctx, &role) {
            return Ok(cached);
        }
        let source = self.source_credentials(&role, name)?;
        let region = self.session.region().map_err(fetch_phase)?;
        assume_role::assume(self.session, region.as_deref(), &role, &source)
    }

    /// The credentials a role is assumed with: its `credential_source`, or its
    /// `source_profile` through the chain again.
    fn source_credentials(
        &self,
        role: &assume_role::RoleConfig,
        name: &str,
    ) -> ChainResult<Credentials> {
        if let Some(source) = &role.credential_source {
            return match source.as_str() {
                "Environment" => {
                    match environment::environment(self.session.ctx).map_err(load_phase)? {
                        Some(creds) => Ok(creds),
                        None => Err(load_phase(ProfileError::CredentialSourceEmpty {
                            credential_source: source.clone(),
                            profile: name.to_owned(),
                        })),
                    }
                }
                other => Err(load_phase(ProfileError::MetadataCredentialSource {
                    credential_source: other.to_owned(),
                    profile: name.to_owned(),
                })),
            };
        }
        let source = role.source_profile.clone().unwrap_or_default();
        self.visited.borrow_mut().push(source.clone());
        let props = self.profile_props(&source)?;
        if files::has_static_keys(props) || !assume_role::has_assume_role_vars(props) {
            return match self.profile_providers(&source, false, false)? {
                Some(creds) => Ok(creds),
                None => Err(load_phase(ProfileError::SourceWithoutCredentials {
                    source_profile: source,
                })),
            };
        }
        self.assume_role(&source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::role::{self, AssumeRoleKey, CachedCredentials, SsoKey};
    use crate::cli::GlobalArgs;
    use crate::context::{Context, Env};
    use crate::credentials::Source;
    use crate::secret::Secret;
    use crate::settings::ProfileChoice;
    use crate::timestamp::Timestamp;
    use std::time::SystemTime;

    fn at(text: &str) -> SystemTime {
        SystemTime::from(Timestamp::parse(text).unwrap().utc())
    }

    /// A context whose HOME holds the given config and credentials files.
    fn sandbox(
        config: &str,
        credentials: &str,
        env: &[(&str, &str)],
    ) -> (tempfile::TempDir, Context) {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".aws")).unwrap();
        std::fs::write(home.path().join(".aws/config"), config).unwrap();
        std::fs::write(home.path().join(".aws/credentials"), credentials).unwrap();
        let mut vars = vec![("HOME".to_owned(), home.path().display().to_string())];
        vars.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let ctx = Context::for_tests(Env::from_pairs(vars), at("2024-05-01T12:00:00Z"));
        (home, ctx)
    }

    fn choice(name: &str, explicit_flag: bool) -> ProfileChoice {
        ProfileChoice {
            name: name.to_owned(),
            explicit_flag,
            named: true,
        }
    }

    fn resolve(ctx: &Context, choice: &ProfileChoice) -> ChainResult<Option<Credentials>> {
        let global = GlobalArgs::default();
        let mut session = Session::new(ctx, &global);
        session.profile = choice.clone();
        Resolver::new(&session).resolve()
    }

    fn message(result: ChainResult<Option<Credentials>>) -> (String, bool) {
        let e = result.unwrap_err();
        (e.error.to_string(), e.deferred)
    }

    #[test]
    fn environment_wins_unless_profile_flag_is_explicit() {
        let (_home, ctx) = sandbox(
            "[profile p]\naws_access_key_id = CFG\naws_secret_access_key = cfg\n",
            "",
            &[
                ("AWS_ACCESS_KEY_ID", "ENV"),
                ("AWS_SECRET_ACCESS_KEY", "env"),
                ("AWS_SESSION_TOKEN", "t"),
            ],
        );
        let creds = resolve(&ctx, &choice("p", false)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("ENV", Source::Environment)
        );
        assert_eq!(creds.session_token.unwrap().expose_secret(), "t");
        let creds = resolve(&ctx, &choice("p", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("CFG", Source::ConfigFile)
        );
    }

    #[test]
    fn environment_errors_are_botocore_s() {
        let (_home, ctx) = sandbox("", "", &[("AWS_ACCESS_KEY_ID", "ENV")]);
        assert_eq!(
            message(resolve(&ctx, &choice("default", false))),
            (
                "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY".into(),
                false
            )
        );
        let (_home, ctx) = sandbox(
            "",
            "",
            &[
                ("AWS_ACCESS_KEY_ID", "ENV"),
                ("AWS_SECRET_ACCESS_KEY", "s"),
                ("AWS_CREDENTIAL_EXPIRATION", "2024-05-01T11:00:00Z"),
            ],
        );
        assert_eq!(
            message(resolve(&ctx, &choice("default", false))).0,
            "Credentials were refreshed, but the refreshed credentials are still expired."
        );
    }

    #[test]
    fn credentials_file_beats_process_which_beats_config_keys() {
        let config = "[profile p]\ncredential_process = sh -c 'printf \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"PROC\\\", \\\"SecretAccessKey\\\": \\\"s\\\", \\\"Expiration\\\": \\\"2024-05-01T14:00:00Z\\\"}\"'\naws_access_key_id = CFG\naws_secret_access_key = cfg\n";
        let (_home, ctx) = sandbox(config, "[p]\naws_access_key_id = FILE\naws_secret_access_key = f\naws_session_token = tok\naws_account_id = 111122223333\n", &[]);
        let creds = resolve(&ctx, &choice("p", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("FILE", Source::SharedCredentialsFile)
        );
        assert_eq!(creds.account_id.as_deref(), Some("111122223333"));
        let (_home, ctx) = sandbox(config, "", &[]);
        let creds = resolve(&ctx, &choice("p", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("PROC", Source::Process)
        );
        assert_eq!(
            creds.expiration.unwrap().isoformat(),
            "2024-05-01T14:00:00+00:00"
        );
        let (_home, ctx) = sandbox("[profile p]\naws_access_key_id = CFG\n", "", &[]);
        assert_eq!(
            message(resolve(&ctx, &choice("p", true))).0,
            "Partial credentials found in config-file, missing: aws_secret_access_key"
        );
        let (_home, ctx) = sandbox("[profile p]\nregion = x\n", "", &[]);
        assert!(resolve(&ctx, &choice("p", true)).unwrap().is_none());
    }

    #[test]
    fn credential_process_errors_are_botocore_s() {
        let cases = [
            ("sh -c 'echo boom >&2; exit 3'", "Error when retrieving credentials from custom-process: boom"),
            ("sh -c 'echo {\\\"Version\\\": 2}'", "Error when retrieving credentials from custom-process: Unsupported version '2' for credential process provider, supported versions: 1"),
            ("sh -c 'echo {}'", "Error when retrieving credentials from custom-process: Unsupported version '<Version key not provided>' for credential process provider, supported versions: 1"),
            ("sh -c 'echo {\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"A\\\"}'", "Error when retrieving credentials from custom-process: Missing required key in response: 'SecretAccessKey'"),
        ];
        for (command, expected) in cases {
            let (_home, ctx) = sandbox(
                &format!("[default]\ncredential_process = {command}\n"),
                "",
                &[],
            );
            let (text, deferred) = message(resolve(&ctx, &choice("default", false)));
            assert_eq!(text.trim(), expected, "{command}");
            assert!(!deferred);
        }
    }

    #[test]
    fn sso_configuration_is_validated_as_v2() {
        let cases = [
            ("[profile p]\nsso_role_name = R\n", "The profile \"p\" is configured to use SSO but is missing required configuration: sso_account_id, sso_start_url, sso_region"),
            ("[profile p]\nsso_account_id = 1\nsso_role_name = R\nsso_session = s\n", "The specified sso-session does not exist: \"s\""),
            ("[profile p]\nsso_account_id = 1\nsso_role_name = R\nsso_session = s\nsso_region = us-east-1\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n", "The value for sso_region is inconsistent between profile (us-east-1) and sso-session (eu-west-1)."),
            ("[profile p]\nsso_account_id = 1\nsso_role_name = R\nsso_session = s\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\n", "The profile \"p\" is configured to use SSO but is missing required configuration: sso_region"),
        ];
        for (config, expected) in cases {
            let (_home, ctx) = sandbox(config, "", &[]);
            assert_eq!(
                message(resolve(&ctx, &choice("p", true))),
                (expected.to_owned(), false)
            );
        }
    }

    #[test]
    fn cached_sso_role_credentials_are_used_without_network() {
        let config = "[profile p]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = Admin\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n";
        let (_home, ctx) = sandbox(config, "", &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9")]);
        let key = role::sso_key(&SsoKey::Session {
            account_id: "111122223333",
            role_name: "Admin",
            session_name: "s",
        });
        let cached = CachedCredentials {
            access_key_id: "ASIACACHED".into(),
            secret_access_key: Secret::new("s"),
            session_token: Secret::new("t"),
            expiration: Timestamp::parse("2024-05-01T13:00:00Z").unwrap(),
            account_id: Some("111122223333".into()),
        };
        role::save(&ctx.paths.cli_cache_dir, &key, &role::sso_document(&cached)).unwrap();
        let creds = resolve(&ctx, &choice("p", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("ASIACACHED", Source::Sso)
        );
        assert_eq!(creds.account_id.as_deref(), Some("111122223333"));
    }

    #[test]
    fn assume_role_configuration_is_validated_as_v2() {
        let cases = [
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\n", "Partial credentials found in assume-role, missing: source_profile or credential_source"),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = b\ncredential_source = Environment\n", "The profile \"a\" contains both source_profile and credential_source."),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Nope\n", "The credential source \"Nope\" referenced in profile \"a\" is not valid."),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = b\n", "The source_profile \"b\" referenced in the profile \"a\" does not exist."),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = a\n", "Infinite loop in credential configuration detected. Attempting to load from profile a which has already been visited. Visited profiles: ['a', 'b']"),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = b\n[profile b]\nregion = x\n", "The source profile \"b\" must have credentials."),
        ];
        for (config, expected) in cases {
            let (_home, ctx) = sandbox(config, "", &[]);
            assert_eq!(
                message(resolve(&ctx, &choice("a", true))).0,
                expected,
                "{config}"
            );
        }
    }

    /// Profile names in botocore's messages are Python reprs: a backslash is doubled (an
    /// earlier hand-written repr here printed it single).
    #[test]
    fn loop_messages_quote_names_as_python_repr() {
        let config = "[profile 'a\\b']\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = it's\n[profile \"it's\"]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = a\\b\n";
        let (_home, ctx) = sandbox(config, "", &[]);
        assert_eq!(
            message(resolve(&ctx, &choice("a\\b", true))).0,
            "Infinite loop in credential configuration detected. Attempting to load from profile a\\b which has already been visited. Visited profiles: ['a\\\\b', \"it's\"]"
        );
    }

    #[test]
    fn cached_assumed_role_credentials_skip_the_source() {
        // The source would fail (no keys): a valid cache entry must be used without it.
        let config = "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = b\n[profile b]\ncredential_process = false\n";
        let (_home, ctx) = sandbox(config, "", &[]);
        let key = role::assume_role_key(&AssumeRoleKey {
            role_arn: "arn:aws:iam::111122223333:role/Admin",
            ..Default::default()
        });
        assert_eq!(key, "20d1c4c47209b5c6f6727fa999b7ec9c34fe8643");
        let cached = CachedCredentials {
            access_key_id: "ASIAROLE".into(),
            secret_access_key: Secret::new("s"),
            session_token: Secret::new("t"),
            expiration: Timestamp::parse("2024-05-01T13:00:00Z").unwrap(),
            account_id: None,
        };
        role::save(
            &ctx.paths.cli_cache_dir,
            &key,
            &role::assume_role_document(&cached, &Default::default()),
        )
        .unwrap();
        let creds = resolve(&ctx, &choice("a", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("ASIAROLE", Source::AssumeRole)
        );
    }

    #[test]
    fn unsupported_providers_say_so() {
        let (_home, ctx) = sandbox(
            "[profile p]\nweb_identity_token_file = /t\nrole_arn = r\n",
            "",
            &[],
        );
        assert!(message(resolve(&ctx, &choice("p", true)))
            .0
            .contains("does not support web identity"));
        let (_home, ctx) = sandbox("[profile p]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Ec2InstanceMetadata\n", "", &[]);
        assert!(message(resolve(&ctx, &choice("p", true)))
            .0
            .contains("does not support credential_source = Ec2InstanceMetadata"));
    }
}
