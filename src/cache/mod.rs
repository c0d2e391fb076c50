//! The files AWS tools share under `~/.aws`: SSO tokens and client registrations
//! (`~/.aws/sso/cache`, [`token`]) and role credentials (`~/.aws/cli/cache`, [`role`]).
//! Byte-compatible with AWS CLI v2 and botocore; every write is atomic (temp file in the same
//! directory, fsync, rename), files 0600, directories 0700.

pub mod role;
pub mod token;

use std::io::Write;
use std::path::Path;

use sha1::{Digest, Sha1};

use crate::error::{Error, Result};

/// Lower-case hex SHA-1, the cache key function of botocore.
pub fn sha1_hex(data: &[u8]) -> String {
    hex::encode(Sha1::digest(data))
}

/// Creates `dir` and its missing parents with mode 0700.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::io("create the directory", dir, e))
}

/// Writes `bytes` to `path` atomically: a uniquely named temp file (0600) in the same
/// directory, fsync, rename over the target. Two writers at once leave one whole file;
/// a crash leaves the old file, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with_mode(path, bytes, 0o600)
}

/// [`write_atomic`] with the file's permission bits given: the config writer keeps an
/// existing file's mode (umask does not apply; the bits are set on the temp file before the
/// rename).
pub fn write_atomic_with_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    ensure_dir(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{file_name}.{}.{}.tmp",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        // Errors name the file the user knows, not the temp file.
        let mut file = options
            .open(&temp)
            .map_err(|e| Error::io("write", path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if mode != 0o600 {
                file.set_permissions(std::fs::Permissions::from_mode(mode))
                    .map_err(|e| Error::io("write", path, e))?;
            }
        }
        #[cfg(not(unix))]
        let _ = mode;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("write", path, e))?;
        std::fs::rename(&temp, path).map_err(|e| Error::io("write", path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Python's `json.dumps` with default separators (`", "`, `": "`) and `ensure_ascii=True`,
/// keys in the value's order: what botocore writes into both caches.
pub fn python_json(value: &serde_json::Value) -> String {
    crate::python::json_compact(value, ", ", ": ", true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_matches_botocore_vectors() {
        assert_eq!(
            sha1_hex(b"admin"),
            "d033e22ae348aeb5660fc2140aec35850c4da997"
        );
        assert_eq!(
            sha1_hex(b"https://d-123.awsapps.com/start"),
            "2b829a45f04c9828cb45b7d092d8e4aa30818393"
        );
    }

    #[test]
    fn python_json_layout() {
        let value = serde_json::json!({"b": [1, "x"], "a": null, "u": "é\n"});
        assert_eq!(
            python_json(&value),
            r#"{"b": [1, "x"], "a": null, "u": "\u00e9\n"}"#
        );
    }

    #[test]
    fn atomic_write_creates_private_file_and_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let mode = std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o700);
        }
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    /// A directory where nothing can be created, even by root (procfs): the error names the
    /// file being written, not the temp file beside it.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_names_the_target_file() {
        let target = Path::new("/proc/awsso-cache-test.json");
        let err = write_atomic(target, b"{}").unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("Unable to write /proc/awsso-cache-test.json: "),
            "{message}"
        );
        assert_eq!(err.exit_code(), 255);
    }
}
