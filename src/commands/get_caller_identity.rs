//! `awsso sts get-caller-identity` (alias `awsso get-caller-identity`): resolve the profile's
//! credentials through the v2 chain, call STS GetCallerIdentity, print the answer through
//! the shared formatter (json, text, table, yaml, `--query`) as v2 does.
//!
//! Start-up is kept to what the call needs: the two config files, at most one cache file,
//! one current-thread runtime and one HTTP client.

use crate::chain::Resolver;
use crate::error::{Error, Result};
use crate::settings::Session;
use crate::sts::{StsClient, StsEndpoint};

pub fn run(session: &Session) -> Result<()> {
    session.profile_props()?;
    let formatter = session.formatter()?;
    let region = session.region()?;
    let transport = session.transport()?;
    let endpoint = StsEndpoint::resolve(&transport.endpoints, region.as_deref(), true)?;
    let credentials = Resolver::new(session)
        .resolve()?
        .ok_or(Error::NoCredentials)?;
    let sts = StsClient {
        http: &transport.http,
        endpoint,
    };
    let identity = session.block_on(sts.get_caller_identity(session.ctx, &credentials))??;
    session
        .ctx
        .out(&formatter.format("GetCallerIdentity", &identity.to_value())?);
    Ok(())
}
