//! The accounts and roles the wizard offers: every page of ListAccounts and
//! ListAccountRoles through [`crate::portal::PortalClient`], in v2's order and display form
//! (`display_account`, `get_account_sorting_key`), with Ctrl-C ending the wait (130).

use std::future::Future;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::portal::{AccountInfo, PortalClient, RoleInfo, MAX_PAGE_SIZE};
use crate::rate_limit::RateLimiter;
use crate::secret::Secret;
use crate::settings::Session;

/// The portal listed nothing to choose from (general errors, 255).
#[derive(Debug, thiserror::Error)]
pub enum EmptyList {
    #[error("No AWS accounts are available to you.")]
    Accounts,
    #[error("No roles are available for the account {account_id}")]
    AccountRoles { account_id: String },
    /// `--all-roles`: no role in any account.
    #[error("No roles are available to you.")]
    Roles,
}

impl From<EmptyList> for Error {
    fn from(e: EmptyList) -> Self {
        Error::Other(Box::new(e))
    }
}

/// The portal of the session's `sso_region`. v2 builds this client with the profile unset
/// (`_unset_session_profile`), so only the environment's endpoint overrides apply.
pub struct Lists<'t> {
    client: PortalClient<'t>,
}

impl<'t> Lists<'t> {
    pub fn new(session: &'t Session, sso_region: &str) -> Result<Self> {
        Ok(Lists {
            client: PortalClient::new(session.unscoped_transport(), sso_region)?,
        })
    }

    /// The portal for `--all-roles`: the largest pages the portal serves, every attempt paced
    /// by `limiter`, and throttled calls tried again `throttle_retries` times beyond the
    /// transport's attempts.
    pub fn for_populate(
        session: &'t Session,
        sso_region: &str,
        limiter: &'t RateLimiter,
        throttle_retries: u32,
    ) -> Result<Self> {
        Ok(Lists {
            client: PortalClient::new(session.unscoped_transport(), sso_region)?
                .rate_limited(limiter)
                .page_size(MAX_PAGE_SIZE)
                .retry_throttling(throttle_retries),
        })
    }

    /// Every account, all pages.
    pub async fn accounts(&self, ctx: &Context, token: &Secret) -> Result<Vec<AccountInfo>> {
        self.client.list_all_accounts(ctx, token).await
    }

    /// Every role of one account, all pages.
    pub async fn roles(
        &self,
        ctx: &Context,
        token: &Secret,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>> {
        self.client
            .list_all_account_roles(ctx, token, account_id)
            .await
    }
}

/// Runs `work` unless Ctrl-C comes first.
pub async fn interruptible<T>(work: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::select! {
        result = work => result,
        _ = tokio::signal::ctrl_c() => Err(Error::Interrupted),
    }
}

/// v2's `display_account`: `Name, email (id)`, `Name (id)`, `email (id)` or `id`.
pub fn display_account(account: &AccountInfo) -> String {
    let id = &account.account_id;
    match (&account.account_name, &account.email_address) {
        (None, None) => id.clone(),
        (Some(name), None) => format!("{name} ({id})"),
        (None, Some(email)) => format!("{email} ({id})"),
        (Some(name), Some(email)) => format!("{name}, {email} ({id})"),
    }
}

/// v2's `get_account_sorting_key`: accounts with a name or an email first, by the first of
/// name, email, id, case-insensitively; accounts with only an id after, by id. Stable, as
/// Python's sort.
pub fn sort_accounts(accounts: &mut [AccountInfo]) {
    accounts.sort_by_cached_key(|a| {
        let only_id = a.account_name.is_none() && a.email_address.is_none();
        let first = a
            .account_name
            .as_ref()
            .or(a.email_address.as_ref())
            .unwrap_or(&a.account_id);
        (only_id, first.to_lowercase())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, name: Option<&str>, email: Option<&str>) -> AccountInfo {
        AccountInfo {
            account_id: id.into(),
            account_name: name.map(str::to_owned),
            email_address: email.map(str::to_owned),
        }
    }

    #[test]
    fn accounts_display_and_sort_as_v2() {
        let mut accounts = vec![
            account("3", None, None),
            account("2", Some("beta"), Some("z@x")),
            account("1", None, Some("Alpha@x")),
            account("0", Some("Gamma"), None),
            account("00", None, None),
        ];
        sort_accounts(&mut accounts);
        let shown: Vec<String> = accounts.iter().map(display_account).collect();
        assert_eq!(
            shown,
            ["Alpha@x (1)", "beta, z@x (2)", "Gamma (0)", "00", "3"]
        );
    }
}
