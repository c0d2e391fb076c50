//! `awsso sts get-caller-identity` (alias `awsso get-caller-identity`): resolve the profile's
//! credentials through the v2 chain, call STS GetCallerIdentity, print the answer through
//! the shared formatter (json, text, table, yaml, `--query`) as v2 does.
//!
//! Start-up is kept to what the call needs: the two config files, at most one cache file,
//! one current-thread runtime and one HTTP client.

use crate::cli::GlobalArgs;
use crate::context::Context;
use crate::credentials::{CredentialFiles, Resolver};
use crate::error::{Error, Result};
use crate::http::EndpointConfig;
use crate::output::Formatter;
use crate::settings;
use crate::sts::{StsClient, StsEndpoint};

pub fn run(ctx: &Context, global: &GlobalArgs) -> Result<()> {
    let files = CredentialFiles::load(ctx)?;
    let choice = settings::profile_choice(ctx, global);
    let profile = settings::scoped_profile(&files.config, &choice)?;
    let formatter = Formatter::from_settings(ctx, global, &profile)?;
    let region = settings::region(ctx, global, &profile);
    let transport = settings::transport(ctx, global, &profile);
    let resolver = Resolver::new(ctx, &files, &choice, region.clone(), transport);
    let endpoint = StsEndpoint::resolve(
        ctx,
        region.as_deref(),
        EndpointConfig {
            flag: global.endpoint_url.as_deref(),
            profile: Some(&profile),
            config: Some(&files.config),
        },
    )?;
    let runtime = crate::http::runtime()?;
    let identity = runtime.block_on(async {
        let credentials = resolver.resolve().await?.ok_or(Error::NoCredentials)?;
        let sts = StsClient {
            http: resolver.http()?,
            endpoint,
        };
        sts.get_caller_identity(ctx, &credentials).await
    })?;
    ctx.out(&formatter.format("GetCallerIdentity", &identity.to_value())?);
    Ok(())
}
