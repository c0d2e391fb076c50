//! `awsso configure export-credentials`.

use crate::cli::{ExportCredentialsArgs, GlobalArgs};
use crate::context::Context;
use crate::error::Result;

pub fn run(_ctx: &Context, _global: &GlobalArgs, _args: &ExportCredentialsArgs) -> Result<()> {
    super::not_built("configure export-credentials")
}
