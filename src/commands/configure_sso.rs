//! `awsso configure sso`.

use crate::cli::{ConfigureSsoArgs, ConfigureSsoSessionArgs, GlobalArgs};
use crate::context::Context;
use crate::error::Result;

pub fn run(_ctx: &Context, _global: &GlobalArgs, _args: &ConfigureSsoArgs) -> Result<()> {
    super::not_built("configure sso")
}

pub fn run_session(
    _ctx: &Context,
    _global: &GlobalArgs,
    _args: &ConfigureSsoSessionArgs,
) -> Result<()> {
    super::not_built("configure sso-session")
}
