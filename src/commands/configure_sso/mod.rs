//! `awsso configure sso` and `awsso configure sso-session`: AWS CLI v2's wizard
//! (`awscli/customizations/configure/sso.py`, `sso_commands.py`), prompt for prompt, with what
//! v2 lacks: a filter in the account and role lists, a flag for every prompt (nothing is
//! asked when all are given, and without a terminal missing answers are a usage error before
//! any login), and `--all-roles` to write one profile per reachable account and role.
//!
//! Completions are v2's: existing session names, every configured start URL, botocore's
//! sso-oidc regions, the known scopes with their descriptions, the output formats; [`ui`]
//! says how its menu differs from prompt_toolkit's pop-up. A start URL on a host AWS does
//! not own is resolved at its prompt, as v2 ≥2.35.13 does ([`vanity`]).
//!
//! Submodules: [`ui`] draws the prompts and the list; [`answers`] decides, prompt by prompt,
//! between a flag, the terminal and the default; [`vanity`] resolves vanity start URLs;
//! [`login`] signs in; [`portal_lists`] gathers accounts and roles; [`all_roles`] is
//! `--all-roles`. The config file is written with [`crate::config::edit`].

mod all_roles;
mod answers;
mod login;
mod portal_lists;
pub mod ui;
mod vanity;

use indexmap::IndexMap;

use crate::cli::{ConfigureSsoArgs, ConfigureSsoSessionArgs};
use crate::config::edit::{self, SectionRef};
use crate::config::{self, AwsConfig, Props};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::{Session, SsoConfigError};

use answers::Answers;
use login::Registration;
use portal_lists::EmptyList;
use ui::{Check, Completion, Line};

/// v2's warning for the path without a session: bold (raw ANSI, printed even when stdout is
/// not a terminal, as v2's colorama constants are).
const LEGACY_WARNING: &str = "\x1b[1mWARNING: Configuring using legacy format (e.g. without an SSO session).\nConsider re-running \"configure sso\" command and providing a session name.\n\x1b[0m";

/// v2's default `sso_registration_scopes`.
const DEFAULT_SCOPE: &str = "sso:account:access";

/// v2's description of the default scope (`_KNOWN_SSO_SCOPES`).
const DEFAULT_SCOPE_DESCRIPTION: &str =
    "Grants access to AWS IAM Identity Center accounts and permission sets";

/// v2's output formats, offered by Tab at the output prompt (`CLI_OUTPUT_FORMATS`).
const OUTPUT_FORMATS: &[&str] = &["json", "text", "table", "yaml", "yaml-stream", "off"];

/// What the wizard refuses: flags that contradict each other or the config (252), and
/// choices the portal cannot satisfy (255).
#[derive(Debug, thiserror::Error)]
pub enum ConfigureSsoError {
    #[error("--profile-name {flag} and --profile {named} name different profiles")]
    ProfileNameConflict { flag: String, named: String },
    /// argparse's invalid choice, with v2's choices listed.
    #[error(
        "argument --output-format: Found invalid choice '{format}'\nValid choices are: {}",
        OUTPUT_FORMATS.join(", ")
    )]
    InvalidOutputFormat { format: String },
    #[error("--sso-registration-scopes needs an SSO session (--sso-session NAME)")]
    ScopesNeedSession,
    /// A flag that disagrees with the existing session it would be written beside.
    #[error("{flag} {given} does not match {key} of the existing sso-session \"{session}\"; change the session with \"awsso configure sso-session\"")]
    SessionFlagMismatch {
        flag: &'static str,
        given: String,
        key: &'static str,
        session: String,
    },
    /// `--sso-region` that is not the region a vanity start URL's portal names.
    #[error("--sso-region {flag} does not match the region of the start URL's access portal {portal_url} ({portal_region})")]
    RegionMismatch {
        flag: String,
        portal_url: String,
        portal_region: String,
    },
    /// A required prompt left without an answer.
    #[error("A value is required")]
    ValueRequired,
    #[error("The role name \"{role}\" is not available for the account {account_id}")]
    RoleNotInAccount { role: String, account_id: String },
}

impl From<ConfigureSsoError> for Error {
    fn from(e: ConfigureSsoError) -> Self {
        match e {
            ConfigureSsoError::ProfileNameConflict { .. }
            | ConfigureSsoError::InvalidOutputFormat { .. }
            | ConfigureSsoError::ScopesNeedSession
            | ConfigureSsoError::SessionFlagMismatch { .. }
            | ConfigureSsoError::RegionMismatch { .. } => Error::ParamValidation(Box::new(e)),
            ConfigureSsoError::ValueRequired | ConfigureSsoError::RoleNotInAccount { .. } => {
                Error::Other(Box::new(e))
            }
        }
    }
}

/// `configure sso`.
pub fn run(session: &Session, args: &ConfigureSsoArgs) -> Result<()> {
    let (ctx, global) = (session.ctx, session.global);
    let config = session.config()?;
    let choice = &session.profile;
    // v2 reads `session.profile`: the profile named by --profile or the environment, if any.
    let named_profile = choice.named.then(|| choice.name.clone());
    let profile_name_flag = match (&named_profile, &args.profile_name) {
        (Some(named), Some(flag)) if choice.explicit_flag && named != flag => {
            return Err(ConfigureSsoError::ProfileNameConflict {
                flag: flag.clone(),
                named: named.clone(),
            }
            .into());
        }
        (_, flag) => flag.clone(),
    };
    if let Some(format) = &args.output_format {
        if !OUTPUT_FORMATS.contains(&format.as_str()) {
            return Err(ConfigureSsoError::InvalidOutputFormat {
                format: format.clone(),
            }
            .into());
        }
    }
    // A missing named profile is an empty one here (v2 catches ProfileNotFound).
    let profile_config = config.profile(&choice.name).cloned().unwrap_or_default();
    let mut answers = Answers::new(ctx, "configure sso");
    let resolver = vanity::Resolver::new(session);

    let mut wizard = Wizard {
        ctx,
        config,
        resolver: &resolver,
        profile_config,
        profile_values: IndexMap::new(),
        session: None,
        session_values: IndexMap::new(),
        legacy_warning_pending: false,
    };
    if args.all_roles {
        all_roles::check_template(
            args.profile_template
                .as_deref()
                .unwrap_or(all_roles::DEFAULT_TEMPLATE),
        )?;
    }
    let registration = wizard.registration(&mut answers, args)?;
    // Without a terminal, what could be known before signing in must be complete now.
    answers.check_missing()?;
    if wizard.legacy_warning_pending {
        ctx.out(LEGACY_WARNING);
    }
    if args.all_roles {
        return all_roles::run(session, args, &registration, &wizard.session_values);
    }
    let runtime = session.runtime()?;
    let signed_in = login::sign_in(session, args, &registration)?;
    let lists = portal_lists::Lists::new(session, &registration.sso_region)?;
    let token = &signed_in.access_token;

    let picked = wizard.pick_account_and_role(&mut answers, args, runtime, &lists, token)?;
    let configured_for_credentials = picked.is_some();

    wizard.profile_config_prompt(
        &mut answers,
        "region",
        "Default client Region",
        global.region.as_deref(),
        "--region",
        Vec::new(),
    )?;
    wizard.profile_config_prompt(
        &mut answers,
        "output",
        "CLI default output format (json if not specified)",
        args.output_format.as_deref(),
        "--output-format",
        OUTPUT_FORMATS
            .iter()
            .map(|s| Completion::plain(s))
            .collect(),
    )?;

    let profile_name = match profile_name_flag.or(named_profile) {
        Some(name) => name,
        None => {
            let default = picked
                .as_ref()
                .map(|(account, role)| format!("{role}-{account}"));
            let line = Line::bracketed("Profile name", default.as_deref(), Check::Required);
            let answer = answers.ask(line, None, "--profile-name")?;
            answers.check_missing()?;
            answer.ok_or(ConfigureSsoError::ValueRequired)?
        }
    };

    wizard.write(&profile_name)?;
    let conclusion = if configured_for_credentials {
        if profile_name.eq_ignore_ascii_case("default") {
            "The AWS CLI is now configured to use the default profile.\nRun the following command to verify your configuration:\n\nawsso sts get-caller-identity\n".to_owned()
        } else {
            format!("To use this profile, specify the profile name using --profile, as shown:\n\nawsso sts get-caller-identity --profile {profile_name}\n")
        }
    } else {
        format!("Successfully configured SSO for profile: {profile_name}\n")
    };
    ctx.out(&conclusion);
    Ok(())
}

/// `configure sso-session` (v2's `ConfigureSSOSessionCommand` in
/// `awscli/customizations/configure/sso_commands.py`): the session's three prompts and a
/// write; no login.
pub fn run_session(session_settings: &Session, args: &ConfigureSsoSessionArgs) -> Result<()> {
    let ctx = session_settings.ctx;
    let config = session_settings.config()?;
    let mut answers = Answers::new(ctx, "configure sso-session");
    let resolver = vanity::Resolver::new(session_settings);
    let sessions = session_summaries(config);
    let mut line = Line {
        prompt: "SSO session name: ".to_owned(),
        default: None,
        check: Check::Required,
        completions: Vec::new(),
        toolbar: None,
    }
    .completions(session_names(config));
    if let Some((width, bold)) = answers.terminal_style() {
        line = line.toolbar(ui::session_toolbar(&sessions, width, bold));
    }
    let session = answers.ask(line, args.sso_session.as_deref(), "--sso-session")?;
    let existing = session
        .as_deref()
        .and_then(|name| config.sso_session(name))
        .cloned()
        .unwrap_or_default();
    let mut values = string_values(&existing);
    session_prompts(
        &mut answers,
        config,
        &resolver,
        &mut values,
        SessionFlags {
            start_url: args.sso_start_url.as_deref(),
            region: args.sso_region.as_deref(),
            scopes: args.sso_registration_scopes.as_deref(),
        },
        true,
    )?;
    answers.check_missing()?;
    let session = session.ok_or(ConfigureSsoError::ValueRequired)?;
    let keys = ["sso_start_url", "sso_region", "sso_registration_scopes"];
    let updates: Vec<(&str, Option<&str>)> = keys
        .iter()
        .filter_map(|k| values.get(*k).map(|v| (*k, Some(v.as_str()))))
        .collect();
    edit::update_file(
        ctx,
        &ctx.paths.config_file,
        &[(SectionRef::sso_session(session.as_str()), updates)],
    )?;
    ctx.out(&format!(
        "\nCompleted configuring SSO session: {session}\nRun the following to login and refresh access token for this session:\n\nawsso sso login --sso-session {session}\n"
    ));
    Ok(())
}

/// The flags answering the session prompts.
#[derive(Clone, Copy, Default)]
struct SessionFlags<'a> {
    start_url: Option<&'a str>,
    region: Option<&'a str>,
    scopes: Option<&'a str>,
}

/// The wizard's state: v2's `_new_profile_config_values` and its session prompter.
struct Wizard<'a> {
    ctx: &'a Context,
    config: &'a AwsConfig,
    resolver: &'a vanity::Resolver<'a, 'a>,
    /// The selected profile as it is (defaults in brackets).
    profile_config: Props,
    /// What will be written to the profile, in v2's key order.
    profile_values: IndexMap<String, String>,
    /// The session the profile will use (`None`: legacy).
    session: Option<String>,
    /// What will be written to a new session.
    session_values: IndexMap<String, String>,
    /// The legacy warning, held back without a terminal until the flags are checked.
    legacy_warning_pending: bool,
}

impl Wizard<'_> {
    /// Prompts 1–4: the session name, then start URL, region and scopes unless the session
    /// exists already.
    fn registration(
        &mut self,
        answers: &mut Answers<'_>,
        args: &ConfigureSsoArgs,
    ) -> Result<Registration> {
        let current = config::get(&self.profile_config, "sso_session").map(str::to_owned);
        // `--all-roles` needs a session, so its name is required, as in `sso-session`.
        let (check, suffix) = if args.all_roles {
            (Check::Required, "")
        } else {
            (Check::Any, " (Recommended)")
        };
        let sessions = session_summaries(self.config);
        let mut line = match current.as_deref() {
            Some(current) => Line::bracketed("SSO session name", Some(current), check),
            None => Line {
                prompt: format!("SSO session name{suffix}: "),
                default: None,
                check,
                completions: Vec::new(),
                toolbar: None,
            },
        }
        .completions(session_names(self.config));
        if let Some((width, bold)) = answers.terminal_style() {
            line = line.toolbar(ui::session_toolbar(&sessions, width, bold));
        }
        let session = answers.ask(line, args.session.sso_session.as_deref(), "--sso-session")?;
        let flags = SessionFlags {
            start_url: args.session.sso_start_url.as_deref(),
            region: args.session.sso_region.as_deref(),
            scopes: args.session.sso_registration_scopes.as_deref(),
        };
        let Some(session) = session else {
            if args.all_roles {
                // Only reachable without a terminal: `--sso-session` is missing.
                answers.check_missing()?;
            }
            // Without a terminal the warning waits until the answers are known to be complete,
            // so a missing-flags error comes alone.
            if answers.is_interactive() {
                self.ctx.out(LEGACY_WARNING);
            } else {
                self.legacy_warning_pending = true;
            }
            if flags.scopes.is_some() {
                return Err(ConfigureSsoError::ScopesNeedSession.into());
            }
            // The session prompter writes straight into the profile on this path.
            let mut values = IndexMap::new();
            self.copy_profile_defaults(&mut values);
            let issuer_url = session_prompts(
                answers,
                self.config,
                self.resolver,
                &mut values,
                flags,
                false,
            )?;
            self.profile_values = values;
            return Ok(Registration {
                session_name: None,
                start_url: self
                    .profile_values
                    .get("sso_start_url")
                    .cloned()
                    .unwrap_or_default(),
                sso_region: self
                    .profile_values
                    .get("sso_region")
                    .cloned()
                    .unwrap_or_default(),
                scopes: None,
                force_refresh: false,
                issuer_url,
            });
        };
        self.profile_values
            .insert("sso_session".into(), session.clone());
        self.session = Some(session.clone());
        if let Some(existing) = self.config.sso_session(&session) {
            return existing_session(&session, existing, flags);
        }
        let mut values = IndexMap::new();
        self.copy_profile_defaults(&mut values);
        let issuer_url = session_prompts(
            answers,
            self.config,
            self.resolver,
            &mut values,
            flags,
            true,
        )?;
        let registration = Registration {
            session_name: Some(session),
            start_url: values.get("sso_start_url").cloned().unwrap_or_default(),
            sso_region: values.get("sso_region").cloned().unwrap_or_default(),
            scopes: values
                .get("sso_registration_scopes")
                .map(|s| parse_scopes(s)),
            force_refresh: true,
            issuer_url,
        };
        self.session_values = values;
        Ok(registration)
    }

    /// v2's `_set_sso_session_defaults_from_profile_config`: a profile's own start URL and
    /// region become the defaults of the session prompts.
    fn copy_profile_defaults(&self, values: &mut IndexMap<String, String>) {
        for key in ["sso_start_url", "sso_region"] {
            if let Some(value) = config::get(&self.profile_config, key) {
                values.insert(key.to_owned(), value.to_owned());
            }
        }
    }

    /// Steps 6 and 7: the account, then the role. `None` when the portal refused to list
    /// them (UnauthorizedException), as v2 carries on without them.
    fn pick_account_and_role(
        &mut self,
        answers: &mut Answers<'_>,
        args: &ConfigureSsoArgs,
        runtime: &tokio::runtime::Runtime,
        lists: &portal_lists::Lists<'_>,
        token: &Secret,
    ) -> Result<Option<(String, String)>> {
        match self.pick(answers, args, runtime, lists, token) {
            Ok(picked) => Ok(Some(picked)),
            Err(Error::Service { code, .. }) if code == "UnauthorizedException" => {
                self.ctx.out("Unable to list AWS accounts and/or roles. Skipping configuring AWS credential provider for profile.\n");
                self.profile_values.shift_remove("sso_account_id");
                self.profile_values.shift_remove("sso_role_name");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn pick(
        &mut self,
        answers: &mut Answers<'_>,
        args: &ConfigureSsoArgs,
        runtime: &tokio::runtime::Runtime,
        lists: &portal_lists::Lists<'_>,
        token: &Secret,
    ) -> Result<(String, String)> {
        let ctx = self.ctx;
        let account_id = match &args.account_id {
            Some(id) => id.clone(),
            None => {
                let mut accounts =
                    runtime.block_on(portal_lists::interruptible(lists.accounts(ctx, token)))?;
                match accounts.len() {
                    0 => return Err(EmptyList::Accounts.into()),
                    1 => {
                        let id = accounts.remove(0).account_id;
                        ctx.out(&format!("The only AWS account available to you is: {id}\n"));
                        id
                    }
                    n => {
                        answers.require_terminal("--account-id")?;
                        ctx.out(&format!("There are {n} AWS accounts available to you.\n"));
                        portal_lists::sort_accounts(&mut accounts);
                        let shown: Vec<String> =
                            accounts.iter().map(portal_lists::display_account).collect();
                        let index = answers.select(&shown)?;
                        accounts.swap_remove(index).account_id
                    }
                }
            }
        };
        ctx.out(&format!("Using the account ID {account_id}\n"));
        self.profile_values
            .insert("sso_account_id".into(), account_id.clone());

        let mut roles = runtime.block_on(portal_lists::interruptible(lists.roles(
            ctx,
            token,
            &account_id,
        )))?;
        let role_name = if roles.is_empty() {
            return Err(EmptyList::AccountRoles { account_id }.into());
        } else if let Some(role) = &args.role_name {
            if !roles.iter().any(|r| &r.role_name == role) {
                return Err(ConfigureSsoError::RoleNotInAccount {
                    role: role.clone(),
                    account_id,
                }
                .into());
            }
            role.clone()
        } else if roles.len() == 1 {
            let role = roles.remove(0).role_name;
            ctx.out(&format!("The only role available to you is: {role}\n"));
            role
        } else {
            answers.require_terminal("--role-name")?;
            ctx.out(&format!(
                "There are {} roles available to you.\n",
                roles.len()
            ));
            let mut names: Vec<String> = roles.into_iter().map(|r| r.role_name).collect();
            names.sort_by_key(|n| n.to_lowercase());
            let index = answers.select(&names)?;
            names.swap_remove(index)
        };
        ctx.out(&format!("Using the role name \"{role_name}\"\n"));
        self.profile_values
            .insert("sso_role_name".into(), role_name.clone());
        Ok((account_id, role_name))
    }

    /// `Default client Region` and the output format: the profile's value in brackets; an
    /// answer (or the default) is written, nothing is written for none.
    fn profile_config_prompt(
        &mut self,
        answers: &mut Answers<'_>,
        key: &str,
        text: &str,
        flag: Option<&str>,
        flag_name: &'static str,
        completions: Vec<Completion>,
    ) -> Result<()> {
        let current = config::get(&self.profile_config, key);
        let line = Line::bracketed(text, current, Check::Any).with_completions(completions);
        if let Some(value) = answers.ask(line, flag, flag_name)? {
            self.profile_values.insert(key.to_owned(), value);
        }
        Ok(())
    }

    /// The profile first, then a new session, in one atomic write.
    fn write(&self, profile_name: &str) -> Result<()> {
        let mut updates = Vec::new();
        if !self.profile_values.is_empty() {
            updates.push((
                SectionRef::profile(profile_name),
                self.profile_values
                    .iter()
                    .map(|(k, v)| (k.as_str(), Some(v.as_str())))
                    .collect::<Vec<_>>(),
            ));
        }
        if let Some(session) = &self.session {
            if !self.session_values.is_empty() {
                updates.push((
                    SectionRef::sso_session(session.as_str()),
                    self.session_values
                        .iter()
                        .map(|(k, v)| (k.as_str(), Some(v.as_str())))
                        .collect(),
                ));
            }
        }
        edit::update_file(self.ctx, &self.ctx.paths.config_file, &updates)
    }
}

/// An existing session: its own start URL, region and scopes, no prompts
/// (`_get_sso_session_config`: both keys required, 253 otherwise). Flags that disagree
/// with it are refused rather than silently ignored.
fn existing_session(name: &str, session: &Props, flags: SessionFlags<'_>) -> Result<Registration> {
    let start_url = config::get(session, "sso_start_url");
    let sso_region = config::get(session, "sso_region");
    let scopes = config::get(session, "sso_registration_scopes");
    for (flag, given, key, have) in [
        (
            "--sso-start-url",
            flags.start_url,
            "sso_start_url",
            start_url,
        ),
        ("--sso-region", flags.region, "sso_region", sso_region),
        (
            "--sso-registration-scopes",
            flags.scopes,
            "sso_registration_scopes",
            scopes,
        ),
    ] {
        if let Some(given) = given {
            if Some(given.trim()) != have {
                return Err(ConfigureSsoError::SessionFlagMismatch {
                    flag,
                    given: given.to_owned(),
                    key,
                    session: name.to_owned(),
                }
                .into());
            }
        }
    }
    let missing: Vec<&'static str> = [("sso_start_url", start_url), ("sso_region", sso_region)]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| *k)
        .collect();
    if !missing.is_empty() {
        return Err(SsoConfigError::SessionIncomplete { missing }.into());
    }
    Ok(Registration {
        session_name: Some(name.to_owned()),
        start_url: start_url.unwrap_or_default().to_owned(),
        sso_region: sso_region.unwrap_or_default().to_owned(),
        scopes: scopes.map(parse_scopes),
        force_refresh: false,
        // v2 resolves nothing for an existing session: it signs in at its start URL.
        issuer_url: None,
    })
}

/// The start URL, region and (for a session) scopes prompts, each defaulting to what
/// `values` already holds; answers are stored back in `values`. A start URL whose host AWS
/// does not own is resolved first ([`vanity`]); when that names the region, the region
/// prompt is skipped and the portal URL returned for the sign-in.
fn session_prompts(
    answers: &mut Answers<'_>,
    config: &AwsConfig,
    resolver: &vanity::Resolver<'_, '_>,
    values: &mut IndexMap<String, String>,
    flags: SessionFlags<'_>,
    with_scopes: bool,
) -> Result<Option<String>> {
    let line = Line::bracketed(
        "SSO start URL",
        values.get("sso_start_url").map(String::as_str),
        Check::StartUrl,
    )
    .completions(known_start_urls(config));
    if let Some(url) = answers.ask(line, flags.start_url, "--sso-start-url")? {
        values.insert("sso_start_url".into(), url);
    }
    let portal = match values.get("sso_start_url") {
        Some(url) => resolver.portal(url)?,
        None => None,
    };
    let issuer_url = match portal {
        Some(portal) => {
            if let Some(flag) = flags.region.map(str::trim) {
                if flag != portal.region {
                    return Err(ConfigureSsoError::RegionMismatch {
                        flag: flag.to_owned(),
                        portal_url: portal.url,
                        portal_region: portal.region,
                    }
                    .into());
                }
            }
            values.insert("sso_region".into(), portal.region);
            Some(portal.url)
        }
        None => {
            let line = Line::bracketed(
                "SSO region",
                values.get("sso_region").map(String::as_str),
                Check::Required,
            )
            .completions(
                crate::regions::AWS_PARTITION
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            );
            if let Some(region) = answers.ask(line, flags.region, "--sso-region")? {
                values.insert("sso_region".into(), region);
            }
            None
        }
    };
    if with_scopes {
        if !values.contains_key("sso_registration_scopes") {
            values.insert("sso_registration_scopes".into(), DEFAULT_SCOPE.into());
        }
        let line = Line::bracketed(
            "SSO registration scopes",
            values.get("sso_registration_scopes").map(String::as_str),
            Check::Scopes,
        )
        .with_completions(known_scopes(config));
        if let Some(scopes) = answers.ask(line, flags.scopes, "--sso-registration-scopes")? {
            values.insert("sso_registration_scopes".into(), scopes);
        }
    }
    Ok(issuer_url)
}

/// v2's `parse_sso_registration_scopes`: split on commas, strip, drop empty items.
pub fn parse_scopes(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every start URL already configured in a profile or a session (Tab completion).
fn known_start_urls(config: &AwsConfig) -> Vec<String> {
    let mut urls: Vec<String> = config
        .profiles
        .values()
        .chain(config.sso_sessions.values())
        .filter_map(|p| config::get(p, "sso_start_url").map(str::to_owned))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

/// v2's scope completions: the default scope with its description, then every scope other
/// sessions use, described as `Used in SSO sessions: a, b`.
fn known_scopes(config: &AwsConfig) -> Vec<Completion> {
    let mut used: IndexMap<String, Vec<&str>> = IndexMap::new();
    for (name, session) in &config.sso_sessions {
        if let Some(raw) = config::get(session, "sso_registration_scopes") {
            for scope in parse_scopes(raw) {
                used.entry(scope).or_default().push(name);
            }
        }
    }
    let mut scopes = vec![Completion::described(
        DEFAULT_SCOPE,
        DEFAULT_SCOPE_DESCRIPTION,
    )];
    for (scope, sessions) in used {
        if scope != DEFAULT_SCOPE {
            let meta = format!("Used in SSO sessions: {}", sessions.join(", "));
            scopes.push(Completion::described(&scope, &meta));
        }
    }
    scopes
}

/// The existing session names, sorted (the session-name completions).
fn session_names(config: &AwsConfig) -> Vec<String> {
    let mut names: Vec<String> = config.sso_sessions.keys().cloned().collect();
    names.sort();
    names
}

/// Every session's keys as v2's toolbar dumps them (`full_config['sso_sessions']`: nested
/// values are objects).
fn session_summaries(config: &AwsConfig) -> IndexMap<String, serde_json::Value> {
    config
        .sso_sessions
        .iter()
        .map(|(name, props)| {
            let keys: serde_json::Map<String, serde_json::Value> = props
                .iter()
                .map(|(key, value)| {
                    let value = match value {
                        config::Value::Str(s) => serde_json::Value::from(s.as_str()),
                        config::Value::Nested(nested) => serde_json::Value::Object(
                            nested
                                .iter()
                                .map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str())))
                                .collect(),
                        ),
                    };
                    (key.to_string(), value)
                })
                .collect();
            (name.clone(), serde_json::Value::Object(keys))
        })
        .collect()
}

/// The plain string values of a section.
fn string_values(props: &Props) -> IndexMap<String, String> {
    props
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|s| (k.to_string(), s.to_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_as_v2() {
        assert_eq!(parse_scopes("scope, "), ["scope"]);
        assert_eq!(parse_scopes(" a ,b,, c"), ["a", "b", "c"]);
    }

    #[test]
    fn existing_session_needs_url_and_region() {
        let config =
            AwsConfig::from_config_text("[sso-session s]\nsso_start_url = https://x\n").unwrap();
        let err =
            existing_session("s", &config.sso_sessions["s"], SessionFlags::default()).unwrap_err();
        assert_eq!(err.exit_code(), 253);
        assert_eq!(
            err.to_string(),
            "An error occurred (Configuration): Missing the following required SSO configuration values: sso_region. "
        );
    }

    #[test]
    fn existing_session_refuses_disagreeing_flags() {
        let config = AwsConfig::from_config_text(
            "[sso-session s]\nsso_start_url = https://x\nsso_region = us-east-1\n",
        )
        .unwrap();
        let flags = SessionFlags {
            region: Some("us-east-1"),
            ..Default::default()
        };
        let reg = existing_session("s", &config.sso_sessions["s"], flags).unwrap();
        assert_eq!(reg.scopes, None);
        assert!(!reg.force_refresh);
        let flags = SessionFlags {
            region: Some("eu-west-1"),
            ..Default::default()
        };
        assert_eq!(
            existing_session("s", &config.sso_sessions["s"], flags)
                .unwrap_err()
                .exit_code(),
            252
        );
    }
}
