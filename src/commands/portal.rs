//! `awsso sso list-accounts`, `list-account-roles` and `get-role-credentials`: the portal
//! operations as AWS CLI v2 generates them from the `sso` service model, with its
//! auto-pagination (botocore `paginate.py` + `awscli/customizations/paginate.py`).
//!
//! - Pagination is the portal client's ([`crate::portal::paginate`]); responses are shown as
//!   botocore parses them ([`crate::portal::model`]).
//! - The token: `--access-token` (required in v2) with the client region (`--region`, env,
//!   profile); without it (awsso) the cached token of `--sso-session` or the profile, through
//!   the SSO token provider, in the session's `sso_region` unless `--region` is given
//!   (docs/compatibility.md, "Portal commands"). With neither a flag nor an SSO profile, v2's
//!   `the following arguments are required: --access-token`.

use crate::cli::{
    GetRoleCredentialsArgs, ListAccountRolesArgs, ListAccountsArgs, PaginationArgs, PortalTokenArgs,
};
use crate::config;
use crate::error::Result;
use crate::output::Query;
use crate::portal::model::role_credentials_response;
use crate::portal::paginate::{paginate, Paging, Response, LIST_ACCOUNTS, LIST_ACCOUNT_ROLES};
use crate::portal::PortalClient;
use crate::secret::Secret;
use crate::settings::{LoginTarget, Session};
use crate::sso_token;
use crate::usage::UsageError;

pub fn list_accounts(session: &Session, args: &ListAccountsArgs) -> Result<()> {
    check_required(session, &args.token, Vec::new())?;
    let paging = paging(session, &args.pagination)?;
    let call = Invocation::resolve(session, &args.token)?;
    paging.validate(&LIST_ACCOUNTS)?;
    let client = &call.client(session)?;
    let access_token = &call.access_token(session)?;
    let ctx = session.ctx;
    let response = session.block_on(paginate(
        &LIST_ACCOUNTS,
        &paging,
        |token, size| async move {
            client
                .list_accounts_page(ctx, access_token, token.as_deref(), size)
                .await
        },
    ))??;
    show(session, LIST_ACCOUNTS.operation, response)
}

pub fn list_account_roles(session: &Session, args: &ListAccountRolesArgs) -> Result<()> {
    let missing = missing_required(&[("--account-id", &args.account_id)]);
    check_required(session, &args.token, missing)?;
    let paging = paging(session, &args.pagination)?;
    let call = Invocation::resolve(session, &args.token)?;
    paging.validate(&LIST_ACCOUNT_ROLES)?;
    let account_id = args.account_id.as_deref().unwrap_or_default();
    let client = &call.client(session)?;
    let access_token = &call.access_token(session)?;
    let ctx = session.ctx;
    let response = session.block_on(paginate(
        &LIST_ACCOUNT_ROLES,
        &paging,
        |token, size| async move {
            client
                .list_account_roles_page(ctx, access_token, account_id, token.as_deref(), size)
                .await
        },
    ))??;
    show(session, LIST_ACCOUNT_ROLES.operation, response)
}

pub fn get_role_credentials(session: &Session, args: &GetRoleCredentialsArgs) -> Result<()> {
    // v2's argument table follows the input shape: roleName, accountId, accessToken.
    let missing = missing_required(&[
        ("--role-name", &args.role_name),
        ("--account-id", &args.account_id),
    ]);
    check_required(session, &args.token, missing)?;
    let call = Invocation::resolve(session, &args.token)?;
    let client = call.client(session)?;
    let access_token = call.access_token(session)?;
    let credentials = session.block_on(client.get_role_credentials(
        session.ctx,
        &access_token,
        args.account_id.as_deref().unwrap_or_default(),
        args.role_name.as_deref().unwrap_or_default(),
    ))??;
    let response = Response::Single(role_credentials_response(&credentials));
    show(session, "GetRoleCredentials", response)
}

/// The pagination options, checked as v2 checks them; v2's warning for a `--max-items` of 0
/// or below.
fn paging(session: &Session, args: &PaginationArgs) -> Result<Paging> {
    let paging = Paging::new(
        session.global.no_paginate,
        args.starting_token.as_deref(),
        args.page_size,
        args.max_items,
    )?;
    if let Some(warning) = paging.warning() {
        session.ctx.err(warning);
    }
    Ok(paging)
}

/// The required parameters (in v2's argument-table order) that were not given.
fn missing_required(params: &[(&'static str, &Option<String>)]) -> Vec<&'static str> {
    params
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect()
}

/// Reports missing required parameters as v2's argument parser does (usage block, 252),
/// before any file is read is reported: v2 parses arguments first. `--query` is compiled
/// first of all, with the global options.
fn check_required(
    session: &Session,
    token: &PortalTokenArgs,
    mut missing: Vec<&'static str>,
) -> Result<()> {
    if let Some(query) = &session.global.query {
        Query::parse(query)?;
    }
    // Without --access-token and with nothing configured to supply one, v2's
    // "required: --access-token" is the most helpful answer. A config that does not parse
    // is reported later, once the arguments are known to be complete.
    let has_token_source = token.access_token.is_some()
        || token.sso_session.is_some()
        || session.config().is_ok_and(|config| {
            config.profile(&session.profile.name).is_some_and(|props| {
                config::get(props, "sso_session").is_some()
                    || config::get(props, "sso_start_url").is_some()
            })
        });
    if !has_token_source {
        missing.push("--access-token");
    }
    if !missing.is_empty() {
        // argparse's `error()` as v2 reports it: message, blank line, usage block.
        return Err(UsageError::Required {
            names: missing.iter().map(|name| (*name).to_owned()).collect(),
        }
        .into());
    }
    Ok(())
}

/// Where the access token comes from.
enum TokenSource {
    /// `--access-token`.
    Given(Secret),
    /// The SSO token cache of this session or legacy profile (awsso).
    Cached(LoginTarget),
}

/// What a portal command settles before its first request: the token and the region.
struct Invocation {
    token: TokenSource,
    /// The portal's region.
    region: String,
}

impl Invocation {
    fn resolve(session: &Session, token: &PortalTokenArgs) -> Result<Self> {
        session.profile_props()?;
        Ok(match &token.access_token {
            Some(access_token) => Invocation {
                token: TokenSource::Given(Secret::new(access_token.as_str())),
                region: session.portal_region(None)?,
            },
            None => {
                let target = session.login_target(token.sso_session.as_deref())?;
                Invocation {
                    region: session.portal_region(Some(&target))?,
                    token: TokenSource::Cached(target),
                }
            }
        })
    }

    /// The access token: the flag's, or the cached one through the shared SSO token provider
    /// (refreshed when due, v2's errors when missing or expired).
    fn access_token(&self, session: &Session) -> Result<Secret> {
        match &self.token {
            TokenSource::Given(token) => Ok(token.clone()),
            TokenSource::Cached(target) => Ok(sso_token::sso_token(session, target)?.access_token),
        }
    }

    fn client<'t>(&self, session: &'t Session) -> Result<PortalClient<'t>> {
        PortalClient::for_command(session.transport()?, &self.region)
    }
}

/// Shows the response in the chosen output format (the shared formatter: for paginated
/// responses, text applies `--query` page by page as v2 does).
fn show(session: &Session, operation: &'static str, response: Response) -> Result<()> {
    let formatter = session.formatter()?;
    let text = match &response {
        Response::Single(value) => formatter.format(operation, value)?,
        Response::Pages { pages, merged } => formatter.format_pages(operation, pages, merged)?,
    };
    session.ctx.out(&text);
    Ok(())
}
