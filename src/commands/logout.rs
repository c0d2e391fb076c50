//! `awsso sso logout`.

use crate::cli::{GlobalArgs, LogoutArgs};
use crate::context::Context;
use crate::error::Result;

pub fn run(_ctx: &Context, _global: &GlobalArgs, _args: &LogoutArgs) -> Result<()> {
    super::not_built("sso logout")
}
