//! The `~/.aws/config` and `~/.aws/credentials` model: profiles, `[sso-session]` and
//! `[services]` sections, read with botocore's rules (`build_profile_map`), and the
//! byte-preserving writer in [`edit`].
//!
//! [`AwsConfig::load`] reads both files; a missing file is an empty one, an unparseable one
//! is `Unable to parse config file: PATH` (255).

pub mod edit;
pub mod file;
pub mod parse;

use std::path::Path;

use indexmap::IndexMap;

use crate::context::Context;
use crate::error::{Error, Result};
pub use parse::Value;

/// The keys of one profile, session or services section.
pub type Props = IndexMap<compact_str::CompactString, Value, parse::FastHash>;

/// Sections of one kind by name, in file order.
pub type Sections = IndexMap<String, Props, parse::FastHash>;

/// Both files, merged the way botocore merges them.
#[derive(Clone, Debug, Default)]
pub struct AwsConfig {
    /// Profiles in file order: the config file's, then those only in the credentials file.
    /// Credentials-file keys win over config-file keys for the same profile.
    pub profiles: Sections,
    pub sso_sessions: Sections,
    pub services: Sections,
}

impl AwsConfig {
    /// Reads `ctx.paths.config_file` and `ctx.paths.credentials_file`, merged.
    pub fn load(ctx: &Context) -> Result<Self> {
        Ok(ConfigFiles::load(ctx)?.merged)
    }

    /// The config file dialect, botocore's `build_profile_map` ([`parse::section_of`]): a
    /// later section of the same name replaces the earlier one whole but keeps its place in
    /// the order (`[default]` vs `[profile default]`); headers of no kind are ignored.
    pub fn from_config_text(text: &str) -> Result<Self, parse::ParseError> {
        let mut config = AwsConfig::default();
        for section in parse::parse(text)? {
            let Some((kind, name)) = parse::into_section(section.header) else {
                continue;
            };
            let target = match kind {
                parse::SectionKind::Profile => &mut config.profiles,
                parse::SectionKind::SsoSession => &mut config.sso_sessions,
                parse::SectionKind::Services => &mut config.services,
            };
            target.insert(name, section.values);
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

/// The shared config and credentials files, read once: botocore's merged `full_config`, and
/// each file's profiles on their own (the credentials-file and config-file credential
/// providers each read only theirs).
#[derive(Clone, Debug, Default)]
pub struct ConfigFiles {
    /// Both files merged, credentials-file keys winning.
    pub merged: AwsConfig,
    pub credentials_profiles: Sections,
    /// The config file's profiles before the merge, kept only when the credentials file
    /// changed some (most machines using SSO have none): otherwise they are `merged`'s, and
    /// copying them is a tenth of a small command's run.
    config_only: Option<Sections>,
}

impl ConfigFiles {
    /// Reads `ctx.paths.config_file` and `ctx.paths.credentials_file`.
    pub fn load(ctx: &Context) -> Result<Self> {
        let config_text = read_optional(ctx, &ctx.paths.config_file)?;
        let credentials_text = read_optional(ctx, &ctx.paths.credentials_file)?;
        let config = AwsConfig::from_config_text(&config_text)
            .map_err(|e| parse_error(&ctx.paths.config_file, e))?;
        let mut credentials_profiles = IndexMap::default();
        for section in parse::parse(&credentials_text)
            .map_err(|e| parse_error(&ctx.paths.credentials_file, e))?
        {
            credentials_profiles.insert(section.header, section.values);
        }
        let config_only = (!credentials_profiles.is_empty()).then(|| config.profiles.clone());
        let mut merged = config;
        for (name, values) in &credentials_profiles {
            let props = merged.profiles.entry(name.clone()).or_default();
            for (key, value) in values {
                props.insert(key.clone(), value.clone());
            }
        }
        Ok(ConfigFiles {
            merged,
            credentials_profiles,
            config_only,
        })
    }

    /// The profile `name` as the config file alone has it.
    pub fn config_profile(&self, name: &str) -> Option<&Props> {
        self.config_only
            .as_ref()
            .unwrap_or(&self.merged.profiles)
            .get(name)
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
/// regular file (`os.path.isfile`: a directory, a device, a FIFO) counts as missing and is
/// never read ([`file::read_regular`]), and one that cannot be opened is read as empty
/// (configparser's `read` skips it); `--debug` says so. Text that is not UTF-8 is a parse
/// error.
pub(crate) fn read_optional(ctx: &Context, path: &Path) -> Result<String> {
    match file::read_regular(path) {
        Ok(Some(bytes)) => {
            crate::context::ctx_debug!(ctx, "Loading config file {}", path.display());
            String::from_utf8(bytes).map_err(|_| Error::ConfigParse {
                path: path.to_owned(),
                detail: "not valid UTF-8".into(),
            })
        }
        Ok(None) => {
            crate::context::ctx_debug!(
                ctx,
                "Ignoring config file {}: not a regular file",
                path.display()
            );
            Ok(String::new())
        }
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                crate::context::ctx_debug!(ctx, "Ignoring config file {}: {e}", path.display());
            }
            Ok(String::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props_json(props: &Props) -> serde_json::Value {
        props
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::Str(s) => serde_json::Value::String(s.to_string()),
                    Value::Nested(n) => n
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect(),
                };
                (k.to_string(), v)
            })
            .collect()
    }

    fn sections_json(sections: &Sections) -> String {
        let value: serde_json::Map<_, _> = sections
            .iter()
            .map(|(name, props)| (name.clone(), props_json(props)))
            .collect();
        serde_json::to_string(&value).unwrap()
    }

    /// The rule table `tests/data/config-cases.json`, run through [`AwsConfig::load`] with
    /// real files (null = the file does not exist). Key and section order are compared.
    #[test]
    fn config_case_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/config-cases.json");
        let table: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cases = table["cases"].as_array().unwrap();
        assert!(cases.len() > 40);
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let dir = tempfile::tempdir().unwrap();
            let config_path = dir.path().join("config");
            let credentials_path = dir.path().join("credentials");
            for (key, path) in [("config", &config_path), ("credentials", &credentials_path)] {
                if let Some(text) = case.get(key).and_then(|t| t.as_str()) {
                    std::fs::write(path, text).unwrap();
                }
            }
            let env = crate::context::Env::from_pairs([
                ("HOME", dir.path().display().to_string()),
                ("AWS_CONFIG_FILE", config_path.display().to_string()),
                (
                    "AWS_SHARED_CREDENTIALS_FILE",
                    credentials_path.display().to_string(),
                ),
            ]);
            let ctx = Context::for_tests(env, std::time::SystemTime::UNIX_EPOCH);
            let result = AwsConfig::load(&ctx);
            if let Some(expected) = case.get("error") {
                let failing = match expected["file"].as_str().unwrap() {
                    "config" => &config_path,
                    _ => &credentials_path,
                };
                let err = result.err().unwrap_or_else(|| panic!("{name}: parsed"));
                assert_eq!(
                    err.to_string(),
                    format!("Unable to parse config file: {}", failing.display()),
                    "{name}"
                );
                assert_eq!(err.exit_code(), 255, "{name}");
                if let (Error::ConfigParse { detail, .. }, Some(line)) =
                    (&err, expected["line"].as_u64())
                {
                    assert!(
                        detail.starts_with(&format!("line {line}:")),
                        "{name}: {detail}"
                    );
                }
                continue;
            }
            let config = result.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            for (key, actual) in [
                ("profiles", &config.profiles),
                ("sso_sessions", &config.sso_sessions),
                ("services", &config.services),
            ] {
                assert_eq!(
                    sections_json(actual),
                    serde_json::to_string(&case[key]).unwrap(),
                    "{name}: {key}"
                );
            }
        }
    }

    #[test]
    fn non_utf8_config_is_a_parse_error_and_a_directory_is_no_config() {
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join("config");
        std::fs::write(&config_path, b"[default]\nregion = \xff\n").unwrap();
        let env = crate::context::Env::from_pairs([
            ("HOME", dir.path().display().to_string()),
            ("AWS_CONFIG_FILE", config_path.display().to_string()),
        ]);
        let ctx = Context::for_tests(env, std::time::SystemTime::UNIX_EPOCH);
        let err = AwsConfig::load(&ctx).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Unable to parse config file: {}", config_path.display())
        );
        std::fs::remove_file(&config_path).unwrap();
        std::fs::create_dir(&config_path).unwrap();
        assert!(AwsConfig::load(&ctx).unwrap().profiles.is_empty());
    }

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
