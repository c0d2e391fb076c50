//! `configure sso --all-roles [--profile-template T]`: one plain profile per account and
//! role the user can reach, all on one sso-session, written in one atomic update that
//! leaves every other section alone (an existing profile of the same name is updated key by
//! key). ListAccountRoles runs [`CONCURRENCY`] calls at a time on the current-thread
//! runtime; throttling beyond the transport's own retries backs off and tries again.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use indexmap::IndexMap;

use super::login::Registration;
use super::portal_lists::{self, EmptyList, Lists};
use crate::cli::ConfigureSsoArgs;
use crate::config::edit::{self, SectionRef};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::portal::{AccountInfo, RoleInfo};
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
}

impl From<AllRolesError> for Error {
    fn from(e: AllRolesError) -> Self {
        match e {
            AllRolesError::BadTemplate { .. } | AllRolesError::NeedsSession => {
                Error::ParamValidation(Box::new(e))
            }
            AllRolesError::RoleNotInAnyAccount { .. } => Error::Other(Box::new(e)),
        }
    }
}

/// ListAccountRoles calls in flight at once.
pub const CONCURRENCY: usize = 8;

/// Further tries of one account's roles after the transport gave up on throttling.
const THROTTLE_RETRIES: u32 = 5;

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
pub fn profile_names(template: &str, entries: &[(AccountInfo, String)]) -> Vec<String> {
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
    let runtime = session_settings.runtime()?;
    let template = args.profile_template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
    let Some(session) = registration.session_name.as_deref() else {
        return Err(AllRolesError::NeedsSession.into());
    };
    let signed_in = super::login::sign_in(session_settings, args, registration)?;
    let lists = Lists::new(session_settings, &registration.sso_region)?;
    let token = signed_in.access_token;

    let mut accounts = match &args.account_id {
        Some(id) => vec![AccountInfo {
            account_id: id.clone(),
            account_name: None,
            email_address: None,
        }],
        None => runtime.block_on(portal_lists::interruptible(with_throttle_retries(
            ctx,
            "ListAccounts",
            || lists.accounts(ctx, &token),
        )))?,
    };
    if accounts.is_empty() {
        return Err(EmptyList::Accounts.into());
    }
    portal_lists::sort_accounts(&mut accounts);
    let roles = runtime.block_on(portal_lists::interruptible(all_roles(
        ctx, &lists, &token, &accounts,
    )))?;

    let mut entries: Vec<(AccountInfo, String)> = Vec::new();
    for (account, account_roles) in accounts.into_iter().zip(roles) {
        let mut names: Vec<String> = account_roles
            .into_iter()
            .map(|r| r.role_name)
            .filter(|name| args.role_name.as_ref().is_none_or(|want| want == name))
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        for role in names {
            entries.push((account.clone(), role));
        }
    }
    if entries.is_empty() {
        return Err(match &args.role_name {
            Some(role) => AllRolesError::RoleNotInAnyAccount { role: role.clone() }.into(),
            None => EmptyList::Roles.into(),
        });
    }
    let names = profile_names(template, &entries);

    let mut updates = Vec::new();
    for ((account, role), name) in entries.iter().zip(&names) {
        let mut values: Vec<(&str, Option<&str>)> = vec![
            ("sso_session", Some(session)),
            ("sso_account_id", Some(account.account_id.as_str())),
            ("sso_role_name", Some(role.as_str())),
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
    edit::update_file(ctx, &ctx.paths.config_file, &updates)?;

    let mut out = format!(
        "Configured {} profiles for the SSO session {session}:\n",
        names.len()
    );
    for name in &names {
        out.push_str(&format!("  {name}\n"));
    }
    ctx.out(&out);
    Ok(())
}

/// Every account's roles, in the accounts' order, [`CONCURRENCY`] requests at a time.
async fn all_roles(
    ctx: &Context,
    lists: &Lists<'_>,
    token: &Secret,
    accounts: &[AccountInfo],
) -> Result<Vec<Vec<RoleInfo>>> {
    let jobs = accounts
        .iter()
        .map(|account| Box::pin(roles_with_backoff(ctx, lists, token, &account.account_id)) as _)
        .collect();
    bounded(jobs, CONCURRENCY).await.into_iter().collect()
}

async fn roles_with_backoff(
    ctx: &Context,
    lists: &Lists<'_>,
    token: &Secret,
    account_id: &str,
) -> Result<Vec<RoleInfo>> {
    with_throttle_retries(ctx, "ListAccountRoles", || {
        lists.roles(ctx, token, account_id)
    })
    .await
}

/// Runs `call` again, after a growing pause with jitter, when the portal still throttles
/// once the transport's own retries are spent: a thousand-account listing should not fail
/// on one busy second.
async fn with_throttle_retries<T, F, Fut>(ctx: &Context, operation: &str, mut call: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut retries = 0;
    loop {
        match call().await {
            Err(Error::Service { code, .. })
                if code == "TooManyRequestsException" && retries < THROTTLE_RETRIES =>
            {
                retries += 1;
                let wait = Duration::from_millis(250 * 2u64.pow(retries - 1))
                    .mul_f64(0.5 + rand::random::<f64>() / 2.0);
                crate::context::ctx_debug!(
                    ctx,
                    "{operation} throttled; try {retries} of {THROTTLE_RETRIES} in {:.3}s",
                    wait.as_secs_f64()
                );
                tokio::time::sleep(wait).await;
            }
            other => return other,
        }
    }
}

type Job<'f, T> = Pin<Box<dyn Future<Output = T> + 'f>>;

/// Runs `jobs` with at most `limit` in flight, on the current task (no spawning, so the jobs
/// may borrow), and returns their outputs in the jobs' order.
async fn bounded<'f, T>(jobs: Vec<Job<'f, T>>, limit: usize) -> Vec<T> {
    let total = jobs.len();
    let mut waiting = jobs.into_iter().enumerate();
    let mut running: Vec<(usize, Job<'f, T>)> = Vec::with_capacity(limit);
    let mut results: Vec<Option<T>> = (0..total).map(|_| None).collect();
    std::future::poll_fn(|cx| loop {
        while running.len() < limit {
            match waiting.next() {
                Some(job) => running.push(job),
                None => break,
            }
        }
        if running.is_empty() {
            return Poll::Ready(());
        }
        let mut finished = false;
        let mut i = 0;
        while i < running.len() {
            if let Poll::Ready(value) = running[i].1.as_mut().poll(cx) {
                let (index, _) = running.swap_remove(i);
                results[index] = Some(value);
                finished = true;
            } else {
                i += 1;
            }
        }
        if !finished {
            return Poll::Pending;
        }
    })
    .await;
    results.into_iter().flatten().collect()
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
        let entries = vec![
            (account("1", Some("dev")), "Admin".to_owned()),
            (account("2", Some("dev")), "Admin".to_owned()),
            (account("3", Some("prod")), "Admin".to_owned()),
            (account("4", None), "Read Only".to_owned()),
        ];
        assert_eq!(
            profile_names(DEFAULT_TEMPLATE, &entries),
            ["dev-Admin-1", "dev-Admin-2", "prod-Admin", "4-Read Only"]
        );
        let entries = vec![
            (account("1", Some("dev")), "Admin".to_owned()),
            (account("1", Some("dev")), "Read".to_owned()),
        ];
        assert_eq!(
            profile_names("{account_name}", &entries),
            ["dev-1-Admin", "dev-1-Read"]
        );
    }

    #[test]
    fn bounded_keeps_order_and_limit() {
        use std::cell::Cell;
        let in_flight = Cell::new(0usize);
        let peak = Cell::new(0usize);
        let runtime = crate::http::runtime().unwrap();
        let jobs: Vec<Job<'_, usize>> = (0..20usize)
            .map(|i| {
                let in_flight = &in_flight;
                let peak = &peak;
                Box::pin(async move {
                    in_flight.set(in_flight.get() + 1);
                    peak.set(peak.get().max(in_flight.get()));
                    tokio::time::sleep(Duration::from_millis((20 - i as u64) % 7)).await;
                    in_flight.set(in_flight.get() - 1);
                    i * 2
                }) as Job<'_, usize>
            })
            .collect();
        let out = runtime.block_on(bounded(jobs, 4));
        assert_eq!(out, (0..20).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(peak.get(), 4);
    }
}
