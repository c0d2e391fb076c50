//! `awsso configure list-profiles`: every profile name of the config and credentials files,
//! one per line, as v2's `ListProfilesCommand` prints `session.available_profiles`: the
//! config file's profiles in file order (`[default]` and `[profile default]` are one
//! profile, placed where it first appears), then those only in the credentials file, in
//! its order.

use crate::config::AwsConfig;
use crate::error::Result;
use crate::settings::Session;

/// The selected profile plays no part: listing profiles is what a user does when
/// `AWS_PROFILE` names one that isn't there, and v2 was fixed not to fail then
/// (aws/aws-cli#5546); awsso also lists with `--profile` naming a missing one.
pub fn run(session: &Session) -> Result<()> {
    session.ctx.out(&render(session.config()?));
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
