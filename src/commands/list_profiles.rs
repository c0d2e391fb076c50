//! `awsso configure list-profiles`: every profile name of the config and credentials files,
//! one per line, as v2's `ListProfilesCommand` prints `session.available_profiles`: the
//! config file's profiles in file order (`[default]` and `[profile default]` are one
//! profile, placed where it first appears), then those only in the credentials file, in
//! its order.

use crate::cli::GlobalArgs;
use crate::config::AwsConfig;
use crate::context::Context;
use crate::error::Result;
use crate::settings;

pub fn run(ctx: &Context, global: &GlobalArgs) -> Result<()> {
    let config = AwsConfig::load(ctx)?;
    // v2 resolves the selected profile for every command (its history hook reads the
    // scoped config), so `--profile nope` fails here too: `The config profile (nope) could
    // not be found`.
    settings::scoped_profile(&config, &settings::profile_choice(ctx, global))?;
    ctx.out(&render(&config));
    Ok(())
}

/// One name per line, in order.
pub fn render(config: &AwsConfig) -> String {
    let mut out = String::with_capacity(config.profiles.len() * 16);
    for name in config.profiles.keys() {
        out.push_str(name);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_file_order_once_each() {
        let mut config = AwsConfig::from_config_text(
            "[profile b]\n[default]\n[profile a]\n[profile default]\n[sso-session s]\n",
        )
        .unwrap();
        config
            .merge_credentials_text("[a]\n[c]\n[default]\n[profile d]\n")
            .unwrap();
        assert_eq!(render(&config), "b\ndefault\na\nc\nprofile d\n");
    }
}
