//! The `~/.aws/config` and `~/.aws/credentials` model: profiles, `[sso-session]` and
//! `[services]` sections, read with botocore's rules (`build_profile_map`), and the
//! byte-preserving writer in [`edit`].
//!
//! [`AwsConfig::load`] reads both files; a missing file is an empty one, an unparseable one
//! is `Unable to parse config file: PATH` (255).

pub mod edit;
pub mod parse;

use std::path::Path;

use indexmap::IndexMap;

use crate::context::Context;
use crate::error::{Error, Result};
pub use parse::Value;

/// The keys of one profile, session or services section.
pub type Props = IndexMap<String, Value>;

/// Both files, merged the way botocore merges them.
#[derive(Clone, Debug, Default)]
pub struct AwsConfig {
    /// Profiles in file order: the config file's, then those only in the credentials file.
    /// Credentials-file keys win over config-file keys for the same profile.
    pub profiles: IndexMap<String, Props>,
    pub sso_sessions: IndexMap<String, Props>,
    pub services: IndexMap<String, Props>,
}

impl AwsConfig {
    /// Reads `ctx.paths.config_file` and `ctx.paths.credentials_file`.
    pub fn load(ctx: &Context) -> Result<Self> {
        let mut config = Self::from_config_text(&read_optional(ctx, &ctx.paths.config_file)?)
            .map_err(|e| parse_error(&ctx.paths.config_file, e))?;
        let credentials = read_optional(ctx, &ctx.paths.credentials_file)?;
        config
            .merge_credentials_text(&credentials)
            .map_err(|e| parse_error(&ctx.paths.credentials_file, e))?;
        Ok(config)
    }

    /// Reads only the config file (commands that never look at static credentials).
    pub fn load_config_only(ctx: &Context) -> Result<Self> {
        Self::from_config_text(&read_optional(ctx, &ctx.paths.config_file)?)
            .map_err(|e| parse_error(&ctx.paths.config_file, e))
    }

    /// The config file dialect, botocore's `build_profile_map`: a header starting with
    /// `profile`, `sso-session` or `services` names a section of that kind when it splits
    /// (shell rules) into exactly two words, the second being the name (botocore does not
    /// check the first word: `[profiles dev]` is profile `dev`); `[default]` is the default
    /// profile; anything else is ignored. A later section of the same name replaces the
    /// earlier one whole but keeps its place in the order (`[default]` vs
    /// `[profile default]`).
    pub fn from_config_text(text: &str) -> Result<Self, parse::ParseError> {
        let mut config = AwsConfig::default();
        for section in parse::parse(text)? {
            let header = section.header.as_str();
            let target = if header.starts_with("profile") {
                &mut config.profiles
            } else if header.starts_with("sso-session") {
                &mut config.sso_sessions
            } else if header.starts_with("services") {
                &mut config.services
            } else if header == "default" {
                config.profiles.insert("default".to_owned(), section.values);
                continue;
            } else {
                continue;
            };
            if let Some([_, name]) = parse::shlex_split(header).as_deref() {
                target.insert(name.clone(), section.values);
            }
        }
        Ok(config)
    }

    /// Adds the credentials file: bare section names are profile names.
    pub fn merge_credentials_text(&mut self, text: &str) -> Result<(), parse::ParseError> {
        for section in parse::parse(text)? {
            let props = self.profiles.entry(section.header).or_default();
            for (key, value) in section.values {
                props.insert(key, value);
            }
        }
        Ok(())
    }

    pub fn profile(&self, name: &str) -> Option<&Props> {
        self.profiles.get(name)
    }

    pub fn sso_session(&self, name: &str) -> Option<&Props> {
        self.sso_sessions.get(name)
    }
}

/// A string value of a section, if present and a plain string.
pub fn get<'a>(props: &'a Props, key: &str) -> Option<&'a str> {
    props.get(key).and_then(Value::as_str)
}

fn parse_error(path: &Path, e: parse::ParseError) -> Error {
    Error::ConfigParse {
        path: path.to_owned(),
        detail: e.to_string(),
    }
}

/// The file's text; a missing file is an empty one. Like botocore, a path that is not a
/// regular file (`os.path.isfile`) counts as missing, and one that cannot be opened is read
/// as empty (configparser's `read` skips it); `--debug` says so. Text that is not UTF-8 is
/// a parse error.
fn read_optional(ctx: &Context, path: &Path) -> Result<String> {
    match std::fs::read(path) {
        Ok(bytes) => {
            crate::ctx_debug!(ctx, "Loading config file {}", path.display());
            String::from_utf8(bytes).map_err(|_| Error::ConfigParse {
                path: path.to_owned(),
                detail: "not valid UTF-8".into(),
            })
        }
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                crate::ctx_debug!(ctx, "Ignoring config file {}: {e}", path.display());
            }
            Ok(String::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_kinds_are_split() {
        let config = AwsConfig::from_config_text(
            "[default]\nregion=a\n[profile dev]\nsso_session = s\n[sso-session s]\nsso_region = us-east-1\n[services local]\nsts =\n  endpoint_url = http://x\n[plugins]\nx=1\n[profilefoo]\n[profile a b]\n",
        )
        .unwrap();
        assert_eq!(
            config.profiles.keys().collect::<Vec<_>>(),
            ["default", "dev"]
        );
        assert_eq!(
            get(&config.sso_sessions["s"], "sso_region"),
            Some("us-east-1")
        );
        assert!(matches!(config.services["local"]["sts"], Value::Nested(_)));
    }

    #[test]
    fn later_default_wins_whole() {
        let config = AwsConfig::from_config_text(
            "[default]\nregion=a\noutput=text\n[profile default]\nregion=b\n",
        )
        .unwrap();
        assert_eq!(get(&config.profiles["default"], "region"), Some("b"));
        assert_eq!(get(&config.profiles["default"], "output"), None);
    }

    #[test]
    fn quoted_profile_names() {
        let config =
            AwsConfig::from_config_text("[profile 'my prof']\nregion=a\n[profile \"other one\"]\n")
                .unwrap();
        assert_eq!(
            config.profiles.keys().collect::<Vec<_>>(),
            ["my prof", "other one"]
        );
    }

    #[test]
    fn credentials_merge_after_config_profiles() {
        let mut config =
            AwsConfig::from_config_text("[profile b]\nregion=x\naws_access_key_id=CFG\n").unwrap();
        config
            .merge_credentials_text("[a]\naws_access_key_id=A\n[b]\naws_access_key_id=B\n")
            .unwrap();
        assert_eq!(config.profiles.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(get(&config.profiles["b"], "aws_access_key_id"), Some("B"));
        assert_eq!(get(&config.profiles["b"], "region"), Some("x"));
    }
}
