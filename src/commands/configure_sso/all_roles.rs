//! `configure sso --all-roles [--profile-template T] [--prune] [--dry-run]`: one plain
//! profile per account and role the user can reach, all on one sso-session, written in one
//! atomic update that leaves every other section alone (an existing profile of the same
//! name is updated key by key). Profiles it adds carry [`MARKER`] on the line above their
//! header; `--prune` removes the marked profiles of the session that this run did not write,
//! and names on stderr the unmarked ones whose account and role are no longer granted.
//! `--dry-run` prints the change as a unified diff and writes no config.
//!
//! At organisation scale (thousands of accounts) the listing is paced: ListAccounts pages are
//! as large as the portal serves, ListAccountRoles runs [`CONCURRENCY`] calls at a time on
//! the current-thread runtime, every attempt takes a token of one [`RateLimiter`] (botocore's
//! adaptive mode, [`crate::rate_limit`]), and a call the portal still throttles after the
//! transport's attempts is tried again [`THROTTLE_RETRIES`] times with backoff and jitter. An
//! account that cannot be listed ends the run before anything is written, naming it.
//! docs/compatibility.md, "configure sso".

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use indexmap::IndexMap;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

use super::login::Registration;
use super::portal_lists::{self, EmptyList, Lists};
use crate::cli::ConfigureSsoArgs;
use crate::config::edit::{self, SectionKind, SectionRef, Updates};
use crate::config::{self, AwsConfig};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::portal::{AccountInfo, RoleInfo};
use crate::rate_limit::RateLimiter;
use crate::secret::Secret;
use crate::settings::Session;

/// What `--all-roles` cannot do.
#[derive(Debug, thiserror::Error)]
pub enum AllRolesError {
    /// A `--profile-template` with an unknown or unclosed placeholder (252).
    #[error(
        "argument --profile-template: invalid template '{template}': use {}",
        PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(", ")
    )]
    BadTemplate { template: String },
    /// The profiles need a session to share (252).
    #[error("--all-roles needs an SSO session (--sso-session NAME)")]
    NeedsSession,
    /// `--role-name` matches no role of any account (255).
    #[error("The role name \"{role}\" is not available in any account")]
    RoleNotInAnyAccount { role: String },
    /// An account whose roles could not be listed, even after the retries: nothing is
    /// written (the kind and exit code of the cause).
    #[error("Unable to list the roles of the account {account_id}: {source}")]
    AccountRoles { account_id: String, source: Error },
    /// The new text did not read back as planned; nothing is written (255).
    #[error("The config file was not changed: {reason}")]
    NotVerified { reason: String },
}

impl From<AllRolesError> for Error {
    fn from(e: AllRolesError) -> Self {
        match e {
            AllRolesError::BadTemplate { .. } | AllRolesError::NeedsSession => {
                Error::ParamValidation(Box::new(e))
            }
            AllRolesError::AccountRoles { ref source, .. } => match source {
                Error::Service { .. } | Error::ServiceContext(_) => {
                    Error::ServiceContext(Box::new(e))
                }
                Error::Transport(_) => Error::Transport(Box::new(e)),
                _ => Error::Other(Box::new(e)),
            },
            AllRolesError::RoleNotInAnyAccount { .. } | AllRolesError::NotVerified { .. } => {
                Error::Other(Box::new(e))
            }
        }
    }
}

/// ListAccountRoles calls in flight at once: enough to keep a distant portal's rate limit
/// busy; the [`RateLimiter`] decides how many start each second.
pub const CONCURRENCY: usize = 8;

/// Further tries of a call the portal still throttles once the transport's attempts are
/// spent: with pauses of up to 2, 4, 8, 16 and then 20 s, about a minute of throttling in a
/// row before an account is given up.
pub const THROTTLE_RETRIES: u32 = 8;

/// The comment line directly above the header of every profile `--all-roles` adds: the AWS
/// tools ignore it, `--prune` looks for it.
pub const MARKER: &str = "# written by awsso configure sso --all-roles";

/// One profile to write: an account and one of its roles.
pub type Entry<'a> = (&'a AccountInfo, &'a str);

pub const DEFAULT_TEMPLATE: &str = "{account_name}-{role_name}";

const PLACEHOLDERS: &[&str] = &["account_name", "account_id", "role_name", "email_address"];

/// Checks a `--profile-template` before anything is asked or signed in to.
pub fn check_template(template: &str) -> Result<(), AllRolesError> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| bad_template(template))?;
        if !PLACEHOLDERS.contains(&&after[..close]) {
            return Err(bad_template(template));
        }
        rest = &after[close + 1..];
    }
    if rest.contains('}') || template.trim().is_empty() {
        return Err(bad_template(template));
    }
    Ok(())
}

fn bad_template(template: &str) -> AllRolesError {
    AllRolesError::BadTemplate {
        template: template.to_owned(),
    }
}

fn render(template: &str, account: &AccountInfo, role: &str) -> String {
    template
        .replace(
            "{account_name}",
            account
                .account_name
                .as_deref()
                .unwrap_or(&account.account_id),
        )
        .replace("{account_id}", &account.account_id)
        .replace("{role_name}", role)
        .replace(
            "{email_address}",
            account
                .email_address
                .as_deref()
                .unwrap_or(&account.account_id),
        )
}

/// Profile names for every (account, role), in order. Names several entries share get
/// `-ACCOUNT_ID`, then `-ROLE` too, so each is unique whatever the listing order.
pub fn profile_names(template: &str, entries: &[Entry<'_>]) -> Vec<String> {
    let mut names: Vec<String> = entries
        .iter()
        .map(|(account, role)| render(template, account, role))
        .collect();
    for suffix_role in [false, true] {
        let mut counts: IndexMap<&str, usize> = IndexMap::new();
        for name in &names {
            *counts.entry(name.as_str()).or_default() += 1;
        }
        let shared: Vec<bool> = names.iter().map(|n| counts[n.as_str()] > 1).collect();
        for (i, (account, role)) in entries.iter().enumerate() {
            if shared[i] {
                names[i] = if suffix_role {
                    format!("{}-{role}", names[i])
                } else {
                    format!("{}-{}", names[i], account.account_id)
                };
            }
        }
    }
    names
}

pub fn run(
    session_settings: &Session,
    args: &ConfigureSsoArgs,
    registration: &Registration,
    session_values: &IndexMap<String, String>,
) -> Result<()> {
    let ctx = session_settings.ctx;
    let global = session_settings.global;
    let template = args.profile_template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
    let Some(session) = registration.session_name.as_deref() else {
        return Err(AllRolesError::NeedsSession.into());
    };
    let signed_in = super::login::sign_in(session_settings, args, registration)?;
    let limiter = RateLimiter::new();
    let lists = Lists::for_populate(
        session_settings,
        &registration.sso_region,
        &limiter,
        THROTTLE_RETRIES,
    )?;
    let token = signed_in.access_token;

    let grants = grants(session_settings, args, &lists, &token)?;
    let entries: Vec<Entry<'_>> = grants
        .iter()
        .flat_map(|(account, roles)| roles.iter().map(move |role| (account, role.as_str())))
        .collect();
    let names = profile_names(template, &entries);

    let mut updates: Vec<(SectionRef, Updates<'_>)> = Vec::new();
    for ((account, role), name) in entries.iter().zip(&names) {
        let mut values: Vec<(&str, Option<&str>)> = vec![
            ("sso_session", Some(session)),
            ("sso_account_id", Some(account.account_id.as_str())),
            ("sso_role_name", Some(*role)),
        ];
        if let Some(region) = &global.region {
            values.push(("region", Some(region.as_str())));
        }
        if let Some(output) = &args.output_format {
            values.push(("output", Some(output.as_str())));
        }
        updates.push((SectionRef::profile(name.as_str()), values));
    }
    if !session_values.is_empty() {
        updates.push((
            SectionRef::sso_session(session),
            session_values
                .iter()
                .map(|(k, v)| (k.as_str(), Some(v.as_str())))
                .collect(),
        ));
    }

    let mut pruned = Prune::default();
    let edited = edit::edit_file(ctx, &ctx.paths.config_file, !args.dry_run, |text| {
        if args.prune {
            // The profiles as the command read them at its start (one parse of a config of
            // thousands of profiles is enough); which are marked, from the text edited now.
            let config = session_settings.config()?;
            pruned = prune(text, config, session, &entries, &names);
        }
        let new = edit::update_text_marked(text, MARKER, &updates, &pruned.removed)?;
        verify(&new, &updates, &pruned.removed)?;
        Ok(new)
    })?;

    for kept in &pruned.kept {
        ctx.err(&format!(
            "Kept the profile {}, which --all-roles did not write: its role {} in the account {} is no longer granted.\n",
            kept.name, kept.role, kept.account_id
        ));
    }
    if args.dry_run {
        ctx.out(&unified_diff(&edited.before, &edited.after));
        return Ok(());
    }
    let mut out = format!(
        "Configured {} profiles for the SSO session {session}:\n",
        names.len()
    );
    for name in &names {
        out.push_str(&format!("  {name}\n"));
    }
    if !pruned.removed.is_empty() {
        out.push_str(&format!(
            "Removed {} profiles of the SSO session {session}:\n",
            pruned.removed.len()
        ));
        for section in &pruned.removed {
            out.push_str(&format!("  {}\n", section.name));
        }
    }
    ctx.out(&out);
    Ok(())
}

/// Every account the user can reach with its roles, accounts in v2's order and roles by
/// name, as `--account-id` and `--role-name` narrow them; accounts left without a role are
/// left out.
fn grants(
    session_settings: &Session,
    args: &ConfigureSsoArgs,
    lists: &Lists<'_>,
    token: &Secret,
) -> Result<Vec<(AccountInfo, Vec<String>)>> {
    let ctx = session_settings.ctx;
    let runtime = session_settings.runtime()?;
    let mut accounts = match &args.account_id {
        Some(id) => vec![AccountInfo {
            account_id: id.clone(),
            account_name: None,
            email_address: None,
        }],
        None => {
            let spinner = progress(ctx, None);
            spinner.set_message("Listing accounts");
            let accounts =
                runtime.block_on(portal_lists::interruptible(lists.accounts(ctx, token)));
            spinner.finish_and_clear();
            accounts?
        }
    };
    if accounts.is_empty() {
        return Err(EmptyList::Accounts.into());
    }
    portal_lists::sort_accounts(&mut accounts);
    let bar = progress(ctx, Some(accounts.len() as u64));
    bar.set_message("Listing roles");
    let roles = runtime.block_on(portal_lists::interruptible(all_roles(
        ctx, lists, token, &accounts, &bar,
    )));
    bar.finish_and_clear();
    let roles = roles?;

    let mut grants: Vec<(AccountInfo, Vec<String>)> = Vec::with_capacity(accounts.len());
    for (account, account_roles) in accounts.into_iter().zip(roles) {
        let mut names: Vec<String> = account_roles
            .into_iter()
            .map(|r| r.role_name)
            .filter(|name| args.role_name.as_ref().is_none_or(|want| want == name))
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        if !names.is_empty() {
            grants.push((account, names));
        }
    }
    if grants.is_empty() {
        return Err(match &args.role_name {
            Some(role) => AllRolesError::RoleNotInAnyAccount { role: role.clone() }.into(),
            None => EmptyList::Roles.into(),
        });
    }
    Ok(grants)
}

/// What `--prune` decided.
#[derive(Default)]
struct Prune {
    /// Marked profiles of the session this run did not write, in file order.
    removed: Vec<SectionRef>,
    /// Unmarked profiles of the session whose account and role are no longer granted.
    kept: Vec<Kept>,
}

struct Kept {
    name: String,
    account_id: String,
    role: String,
}

/// The profiles of `session` this run did not write (`entries` under `names`): those marked
/// in `text` go, the unmarked ones stay, named when their account and role are no longer
/// granted.
fn prune(
    text: &str,
    config: &AwsConfig,
    session: &str,
    entries: &[Entry<'_>],
    names: &[String],
) -> Prune {
    let granted: HashSet<(&str, &str)> = entries
        .iter()
        .map(|(account, role)| (account.account_id.as_str(), *role))
        .collect();
    let written: HashSet<&str> = names.iter().map(String::as_str).collect();
    let marked: HashSet<String> = edit::marked_profiles(text, MARKER).into_iter().collect();
    let mut prune = Prune::default();
    for (name, props) in &config.profiles {
        if config::get(props, "sso_session") != Some(session) || written.contains(name.as_str()) {
            continue;
        }
        if marked.contains(name) {
            prune.removed.push(SectionRef::profile(name.as_str()));
            continue;
        }
        let account = config::get(props, "sso_account_id");
        let role = config::get(props, "sso_role_name");
        if let (Some(account_id), Some(role)) = (account, role) {
            if !granted.contains(&(account_id, role)) {
                prune.kept.push(Kept {
                    name: name.clone(),
                    account_id: account_id.to_owned(),
                    role: role.to_owned(),
                });
            }
        }
    }
    prune
}

/// The new text must read back with every profile as written and every removed one gone,
/// or nothing is written.
fn verify(
    text: &str,
    updates: &[(SectionRef, Updates<'_>)],
    removed: &[SectionRef],
) -> Result<(), AllRolesError> {
    let refuse = |reason: String| AllRolesError::NotVerified { reason };
    let config = AwsConfig::from_config_text(text)
        .map_err(|e| refuse(format!("the new text would not parse: {e}")))?;
    for (section, values) in updates {
        if section.kind != SectionKind::Profile {
            continue;
        }
        let as_written = config
            .profiles
            .get(&section.name)
            .is_some_and(|props| values.iter().all(|(k, v)| config::get(props, k) == *v));
        if !as_written {
            return Err(refuse(format!(
                "the profile {} would not read back as written",
                section.name
            )));
        }
    }
    match removed
        .iter()
        .find(|s| config.profiles.contains_key(&s.name))
    {
        Some(section) => Err(refuse(format!(
            "the profile {} would still be there",
            section.name
        ))),
        None => Ok(()),
    }
}

/// The change as `diff -u` shows it, with the file names `a/config` and `b/config`: hunks
/// with 3 lines of context, `\ No newline at end of file` where a side lacks a final line
/// break; empty when nothing changes. Myers' algorithm, given up for a coarser (still
/// correct) diff after a second on a huge change.
fn unified_diff(before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .timeout(Duration::from_secs(1))
        .diff_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header("a/config", "b/config")
        .to_string()
}

/// A progress bar (`len` items) or spinner on stderr, drawn only when stderr is a terminal
/// and no `--debug` log shares it; cleared when done or dropped.
fn progress(ctx: &Context, len: Option<u64>) -> ProgressBar {
    if !ctx.terminal.stderr || ctx.debug {
        return ProgressBar::hidden();
    }
    let (bar, template) = match len {
        Some(len) => (
            ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()),
            "{msg} [{bar:30}] {pos}/{len} accounts, {eta} left",
        ),
        None => (
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            "{spinner} {msg}",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    if len.is_none() {
        bar.enable_steady_tick(Duration::from_millis(120));
    }
    bar.with_finish(ProgressFinish::AndClear)
}

/// Every account's roles, in the accounts' order, [`CONCURRENCY`] requests at a time; the
/// first account that cannot be listed ends it.
async fn all_roles(
    ctx: &Context,
    lists: &Lists<'_>,
    token: &Secret,
    accounts: &[AccountInfo],
    bar: &ProgressBar,
) -> Result<Vec<Vec<RoleInfo>>> {
    let jobs = accounts.iter().map(|account| async move {
        let roles = lists
            .roles(ctx, token, &account.account_id)
            .await
            .map_err(|source| match source {
                Error::Interrupted => source,
                source => AllRolesError::AccountRoles {
                    account_id: account.account_id.clone(),
                    source,
                }
                .into(),
            })?;
        bar.inc(1);
        Ok(roles)
    });
    bounded(jobs, CONCURRENCY).await
}

/// Runs the futures `jobs` yields, at most `limit` at once, on the current task (no spawning,
/// so they may borrow; a job is made only when it starts), and returns their outputs in the
/// jobs' order. The first error ends it: the jobs still running are dropped.
async fn bounded<T, E, F>(jobs: impl Iterator<Item = F>, limit: usize) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>>,
{
    let mut waiting = jobs.enumerate();
    let mut running: Vec<(usize, Pin<Box<F>>)> = Vec::with_capacity(limit);
    let mut results: Vec<Option<T>> = Vec::new();
    std::future::poll_fn(|cx| loop {
        while running.len() < limit {
            match waiting.next() {
                Some((index, job)) => running.push((index, Box::pin(job))),
                None => break,
            }
        }
        if running.is_empty() {
            return Poll::Ready(Ok(()));
        }
        let mut finished = false;
        let mut i = 0;
        while i < running.len() {
            if let Poll::Ready(output) = running[i].1.as_mut().poll(cx) {
                let (index, _) = running.swap_remove(i);
                match output {
                    Ok(value) => {
                        if results.len() <= index {
                            results.resize_with(index + 1, || None);
                        }
                        results[index] = Some(value);
                    }
                    Err(e) => return Poll::Ready(Err(e)),
                }
                finished = true;
            } else {
                i += 1;
            }
        }
        if !finished {
            return Poll::Pending;
        }
    })
    .await?;
    Ok(results.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, name: Option<&str>) -> AccountInfo {
        AccountInfo {
            account_id: id.into(),
            account_name: name.map(str::to_owned),
            email_address: None,
        }
    }

    #[test]
    fn templates_are_checked() {
        assert!(check_template(DEFAULT_TEMPLATE).is_ok());
        assert!(check_template("sso-{account_id}.{role_name}").is_ok());
        assert!(check_template("{nope}").is_err());
        assert!(check_template("{account_id").is_err());
        assert!(check_template("x}").is_err());
        assert!(check_template(" ").is_err());
    }

    #[test]
    fn shared_names_get_suffixes() {
        let accounts = [
            account("1", Some("dev")),
            account("2", Some("dev")),
            account("3", Some("prod")),
            account("4", None),
        ];
        let entries = [
            (&accounts[0], "Admin"),
            (&accounts[1], "Admin"),
            (&accounts[2], "Admin"),
            (&accounts[3], "Read Only"),
        ];
        assert_eq!(
            profile_names(DEFAULT_TEMPLATE, &entries),
            ["dev-Admin-1", "dev-Admin-2", "prod-Admin", "4-Read Only"]
        );
        let entries = [(&accounts[0], "Admin"), (&accounts[0], "Read")];
        assert_eq!(
            profile_names("{account_name}", &entries),
            ["dev-1-Admin", "dev-1-Read"]
        );
    }

    #[test]
    fn bounded_keeps_order_and_limit_and_makes_jobs_as_they_start() {
        use std::cell::Cell;
        let in_flight = Cell::new(0usize);
        let peak = Cell::new(0usize);
        let made = Cell::new(0usize);
        let runtime = crate::http::runtime().unwrap();
        let jobs = (0..20usize).map(|i| {
            made.set(made.get() + 1);
            // Never more jobs made than finished plus the limit.
            assert!(made.get() <= i + 1 && in_flight.get() < 4);
            let (in_flight, peak) = (&in_flight, &peak);
            async move {
                in_flight.set(in_flight.get() + 1);
                peak.set(peak.get().max(in_flight.get()));
                tokio::time::sleep(Duration::from_millis((20 - i as u64) % 7)).await;
                in_flight.set(in_flight.get() - 1);
                Ok::<_, ()>(i * 2)
            }
        });
        let out = runtime.block_on(bounded(jobs, 4)).unwrap();
        assert_eq!(out, (0..20).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(peak.get(), 4);
    }

    #[test]
    fn bounded_stops_at_the_first_error() {
        let started = std::cell::Cell::new(0usize);
        let runtime = crate::http::runtime().unwrap();
        let jobs = (0..100usize).map(|i| {
            started.set(started.get() + 1);
            async move {
                tokio::time::sleep(Duration::from_millis(1)).await;
                if i == 5 {
                    Err(format!("job {i}"))
                } else {
                    Ok(i)
                }
            }
        });
        assert_eq!(runtime.block_on(bounded(jobs, 4)), Err("job 5".to_owned()));
        assert!(started.get() < 20, "{}", started.get());
    }

    #[test]
    fn diffs_read_as_diff_u() {
        assert_eq!(unified_diff("a\n", "a\n"), "");
        let before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12";
        let after = "1\n2\n3\nfour\n5\n6\n7\n8\n9\n10\n11\n12\n13\n";
        assert_eq!(
            unified_diff(before, after),
            "--- a/config\n+++ b/config\n@@ -1,7 +1,7 @@\n 1\n 2\n 3\n-4\n+four\n 5\n 6\n 7\n@@ -9,4 +9,5 @@\n 9\n 10\n 11\n-12\n\\ No newline at end of file\n+12\n+13\n"
        );
        assert_eq!(
            unified_diff("", "[profile a]\nk = v\n"),
            "--- a/config\n+++ b/config\n@@ -0,0 +1,2 @@\n+[profile a]\n+k = v\n"
        );
    }

    #[test]
    fn an_account_not_listed_keeps_the_cause_s_exit_code() {
        let service = Error::Service {
            operation: "ListAccountRoles",
            code: "TooManyRequestsException".into(),
            message: "Too many requests".into(),
            details: Vec::new(),
            retries_exhausted: Some(2),
        };
        let err = Error::from(AllRolesError::AccountRoles {
            account_id: "111122223333".into(),
            source: service,
        });
        assert_eq!(err.exit_code(), 254);
        assert_eq!(
            err.to_string(),
            "Unable to list the roles of the account 111122223333: An error occurred (TooManyRequestsException) when calling the ListAccountRoles operation (reached max retries: 2): Too many requests"
        );
        let refused = Error::from(crate::http::HttpError::Connect {
            url: "http://h".into(),
        });
        let err = Error::from(AllRolesError::AccountRoles {
            account_id: "1".into(),
            source: refused,
        });
        assert_eq!(err.exit_code(), 255);
        assert!(matches!(err, Error::Transport(_)));
    }

    #[test]
    fn prune_removes_marked_and_names_unmarked_no_longer_granted() {
        let text = format!(
            "{MARKER}\n[profile keep]\nsso_session = s\nsso_account_id = 1\nsso_role_name = A\n{MARKER}\n[profile gone]\nsso_session = s\nsso_account_id = 1\nsso_role_name = B\n[profile mine]\nsso_session = s\nsso_account_id = 2\nsso_role_name = A\n[profile mine-ok]\nsso_session = s\nsso_account_id = 1\nsso_role_name = A\n{MARKER}\n[profile other]\nsso_session = t\nsso_account_id = 9\nsso_role_name = Z\n"
        );
        let config = AwsConfig::from_config_text(&text).unwrap();
        let one = account("1", None);
        let entries = [(&one, "A")];
        let pruned = prune(&text, &config, "s", &entries, &["keep".to_owned()]);
        assert_eq!(pruned.removed, [SectionRef::profile("gone")]);
        assert_eq!(
            pruned
                .kept
                .iter()
                .map(|k| (k.name.as_str(), k.account_id.as_str(), k.role.as_str()))
                .collect::<Vec<_>>(),
            [("mine", "2", "A")]
        );
    }
}
