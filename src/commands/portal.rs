//! `awsso sso list-accounts, list-account-roles, get-role-credentials`.

use crate::cli::{GetRoleCredentialsArgs, GlobalArgs, ListAccountRolesArgs, ListAccountsArgs};
use crate::context::Context;
use crate::error::Result;

pub fn list_accounts(_ctx: &Context, _global: &GlobalArgs, _args: &ListAccountsArgs) -> Result<()> {
    super::not_built("sso list-accounts")
}

pub fn list_account_roles(
    _ctx: &Context,
    _global: &GlobalArgs,
    _args: &ListAccountRolesArgs,
) -> Result<()> {
    super::not_built("sso list-account-roles")
}

pub fn get_role_credentials(
    _ctx: &Context,
    _global: &GlobalArgs,
    _args: &GetRoleCredentialsArgs,
) -> Result<()> {
    super::not_built("sso get-role-credentials")
}
