//! `awsso configure list-profiles`.

use crate::cli::GlobalArgs;
use crate::context::Context;
use crate::error::Result;

pub fn run(_ctx: &Context, _global: &GlobalArgs) -> Result<()> {
    super::not_built("configure list-profiles")
}
