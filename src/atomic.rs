//! The one way awsso replaces a file it shares with other tools (the config file, the token,
//! registration and role-credential caches): a uniquely named temp file in the same
//! directory, created 0600, given its final mode, written, fsynced, then renamed over the
//! target. Two writers at once leave one whole file; a crash leaves the old file, never half
//! of one. Directories it creates are 0700. (botocore's `JSONFileCache` and the AWS CLI's
//! `ConfigFileWriter` write in place; awsso is stricter on purpose.)

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

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

/// Writes `bytes` to `path` atomically as a private (0600) file.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes, 0o600)
}

/// Writes `bytes` to `path` atomically with the permission bits `mode` (umask does not
/// apply: the bits are set on the temp file before the rename). The config writer passes an
/// existing file's own mode.
pub fn write(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_private_file_and_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.json");
        write_private(&path, b"one").unwrap();
        write_private(&path, b"two").unwrap();
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

    #[cfg(unix)]
    #[test]
    fn keeps_the_mode_it_is_given() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        write(&path, b"x", 0o644).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }

    /// A directory where nothing can be created, even by root (procfs): the error names the
    /// file being written, not the temp file beside it.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_names_the_target_file() {
        let target = Path::new("/proc/awsso-cache-test.json");
        let err = write_private(target, b"{}").unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("Unable to write /proc/awsso-cache-test.json: "),
            "{message}"
        );
        assert_eq!(err.exit_code(), 255);
    }
}
