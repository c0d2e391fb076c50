//! `awsso sso login`.

use crate::cli::{GlobalArgs, LoginArgs};
use crate::context::Context;
use crate::error::Result;

pub fn run(_ctx: &Context, _global: &GlobalArgs, _args: &LoginArgs) -> Result<()> {
    super::not_built("sso login")
}
