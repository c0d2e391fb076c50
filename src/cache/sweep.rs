//! What `sso logout` removes from the shared caches, as AWS CLI v2 decides it
//! (`awscli/customizations/sso/logout.py`): every top-level file of `~/.aws/sso/cache` that
//! parses as a JSON object with `accessToken` (its token signed out at the portal when the
//! file also names its `region`), and every JSON file of `~/.aws/cli/cache` with
//! `"ProviderType": "sso"`. Client registrations, unparsable files and other tools'
//! credentials stay. Or, for one session, its token file and the role-credential files of the
//! profiles that use it.

use std::path::{Path, PathBuf};

use crate::context::ctx_debug;
use crate::context::Context;
use crate::error::Error;
use crate::secret::Secret;

/// A token file to delete, and what the portal needs to revoke it.
#[derive(Debug, PartialEq, Eq)]
pub struct TokenFile {
    pub path: PathBuf,
    /// The token and its SSO region, when the file has both (v2 calls Logout only then).
    pub logout: Option<(Secret, String)>,
}

/// The files one logout removes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    pub tokens: Vec<TokenFile>,
    pub role_credentials: Vec<PathBuf>,
}

impl Sweep {
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.role_credentials.is_empty()
    }

    /// v2's sweep: every token file, every SSO role-credential file.
    pub fn everything(ctx: &Context) -> Sweep {
        let tokens = json_files(ctx, &ctx.paths.sso_cache_dir)
            .into_iter()
            .filter_map(|(path, value)| token_file(path, &value))
            .collect();
        let role_credentials = json_files(ctx, &ctx.paths.cli_cache_dir)
            .into_iter()
            .filter(|(_, value)| is_sso_role_credentials(value))
            .map(|(path, _)| path)
            .collect();
        Sweep {
            tokens,
            role_credentials,
        }
    }

    /// One session: the token file under `token_key` and the SSO role-credential files
    /// under `role_keys` that exist.
    pub fn session(
        ctx: &Context,
        token_key: &str,
        role_keys: impl IntoIterator<Item = String>,
    ) -> Sweep {
        let token_path = super::entry_path(&ctx.paths.sso_cache_dir, token_key);
        let tokens = read_json(ctx, &token_path)
            .and_then(|value| token_file(token_path, &value))
            .into_iter()
            .collect();
        let mut role_credentials: Vec<PathBuf> = role_keys
            .into_iter()
            .map(|key| super::entry_path(&ctx.paths.cli_cache_dir, &key))
            .filter(|path| read_json(ctx, path).is_some_and(|v| is_sso_role_credentials(&v)))
            .collect();
        role_credentials.sort();
        role_credentials.dedup();
        Sweep {
            tokens,
            role_credentials,
        }
    }

    /// Deletes every file of the sweep, going on past the ones that cannot be deleted, which
    /// come back as [`SweepError::NotRemoved`]. A file another logout removed first counts
    /// as done.
    pub fn remove_files(&self, ctx: &Context) -> Result<(), SweepError> {
        let paths = self.tokens.iter().map(|t| &t.path);
        let mut left = Vec::new();
        for path in paths.chain(&self.role_credentials) {
            match std::fs::remove_file(path) {
                Ok(()) => ctx_debug!(ctx, "Deleted {}", path.display()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => left.push((path.clone(), e)),
            }
        }
        if left.is_empty() {
            Ok(())
        } else {
            Err(SweepError::NotRemoved { left })
        }
    }
}

/// Files a logout had to leave behind.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// v2's `os.remove` raises at the first such file and its general handler prints the
    /// `OSError` (255); awsso goes on with the others and names every file left in the same
    /// words, one line: `[Errno 30] Read-only file system: '/a', '/b'` (files that failed
    /// differently follow after `; `).
    #[error("{}", not_removed_message(.left))]
    NotRemoved {
        left: Vec<(PathBuf, std::io::Error)>,
    },
}

impl From<SweepError> for Error {
    fn from(e: SweepError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// The files grouped by what went wrong, in the order they were met.
fn not_removed_message(left: &[(PathBuf, std::io::Error)]) -> String {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (path, error) in left {
        let reason = crate::python::os_error_str(error, None);
        let name = crate::python::str_repr(&path.to_string_lossy());
        match groups.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, names)) => names.push(name),
            None => groups.push((reason, vec![name])),
        }
    }
    groups
        .iter()
        .map(|(reason, names)| format!("{reason}: {}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The token entry for a parsed file of `~/.aws/sso/cache`, if v2 would delete it: a JSON
/// object with `accessToken`. Logout is called only with a string token and a non-empty
/// region.
fn token_file(path: PathBuf, value: &serde_json::Value) -> Option<TokenFile> {
    let object = value.as_object()?;
    let token = object.get("accessToken")?;
    let logout = match (
        token.as_str(),
        object.get("region").and_then(|r| r.as_str()),
    ) {
        (Some(token), Some(region)) if !region.is_empty() => {
            Some((Secret::new(token), region.to_owned()))
        }
        _ => None,
    };
    Some(TokenFile { path, logout })
}

fn is_sso_role_credentials(value: &serde_json::Value) -> bool {
    value.get("ProviderType").and_then(|v| v.as_str()) == Some("sso")
}

/// The top-level entries of `dir` that parse as JSON, sorted by name; a missing directory
/// has none. Unreadable and unparsable entries are skipped (debug-logged without contents:
/// they may hold secrets).
fn json_files(ctx: &Context, dir: &Path) -> Vec<(PathBuf, serde_json::Value)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| Some((path.clone(), read_json(ctx, &path)?)))
        .collect()
}

fn read_json(ctx: &Context, path: &Path) -> Option<serde_json::Value> {
    let bytes = crate::regular_file::read_regular(path).ok()??;
    match serde_json::from_slice(&bytes) {
        Ok(value) => Some(value),
        Err(_) => {
            ctx_debug!(ctx, "Failed to load: {}", path.display());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Env;

    fn ctx(home: &Path) -> Context {
        Context::for_tests(
            Env::from_pairs([("HOME", home.display().to_string())]),
            std::time::SystemTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn only_json_objects_with_an_access_token_are_tokens() {
        let path = PathBuf::from("x.json");
        let token = serde_json::json!({"accessToken": "t", "region": "us-east-1"});
        assert_eq!(
            token_file(path.clone(), &token),
            Some(TokenFile {
                path: path.clone(),
                logout: Some((Secret::new("t"), "us-east-1".into()))
            })
        );
        let no_region = serde_json::json!({"accessToken": "t", "region": ""});
        assert_eq!(token_file(path.clone(), &no_region).unwrap().logout, None);
        let registration = serde_json::json!({"clientId": "c", "clientSecret": "s"});
        assert_eq!(token_file(path.clone(), &registration), None);
        assert_eq!(token_file(path, &serde_json::json!(["accessToken"])), None);
    }

    #[test]
    fn files_left_behind_are_named_as_python_names_them() {
        let left = vec![
            (
                PathBuf::from("/h/.aws/sso/cache/a.json"),
                std::io::Error::from_raw_os_error(30),
            ),
            (
                PathBuf::from("/h/.aws/cli/cache/b.json"),
                std::io::Error::from_raw_os_error(13),
            ),
            (
                PathBuf::from("/h/.aws/cli/cache/c.json"),
                std::io::Error::from_raw_os_error(30),
            ),
        ];
        let err = Error::from(SweepError::NotRemoved { left });
        assert_eq!(err.exit_code(), 255);
        assert_eq!(
            err.stderr_text(),
            "\nawsso: [ERROR]: [Errno 30] Read-only file system: '/h/.aws/sso/cache/a.json', '/h/.aws/cli/cache/c.json'; [Errno 13] Permission denied: '/h/.aws/cli/cache/b.json'\n"
        );
    }

    #[test]
    fn sweep_keeps_what_v2_keeps() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx(home.path());
        let sso = &ctx.paths.sso_cache_dir;
        let cli = &ctx.paths.cli_cache_dir;
        std::fs::create_dir_all(sso.join("subdir")).unwrap();
        std::fs::create_dir_all(cli).unwrap();
        std::fs::write(sso.join("a.json"), r#"{"accessToken":"t","region":"r"}"#).unwrap();
        std::fs::write(sso.join("reg.json"), r#"{"clientId":"c"}"#).unwrap();
        std::fs::write(sso.join("bad.json"), "{not json").unwrap();
        std::fs::write(sso.join("subdir/b.json"), r#"{"accessToken":"t"}"#).unwrap();
        std::fs::write(cli.join("sso.json"), r#"{"ProviderType":"sso"}"#).unwrap();
        std::fs::write(cli.join("role.json"), r#"{"Credentials":{}}"#).unwrap();
        let sweep = Sweep::everything(&ctx);
        assert_eq!(
            sweep.tokens,
            [TokenFile {
                path: sso.join("a.json"),
                logout: Some((Secret::new("t"), "r".into()))
            }]
        );
        assert_eq!(sweep.role_credentials, [cli.join("sso.json")]);
        assert!(Sweep::everything(&Context::for_tests(
            Env::from_pairs([("HOME", "/nonexistent-home")]),
            std::time::SystemTime::UNIX_EPOCH
        ))
        .is_empty());
    }
}
