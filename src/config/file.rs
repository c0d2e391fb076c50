//! The config and credentials files on disk, as botocore finds them: a path counts as a
//! file only when it is a regular file (`os.path.isfile` in `botocore/configloader.py`
//! `raw_config_parse`); a directory, a device or a FIFO is no file at all.

use std::io::Read;
use std::path::Path;

/// The bytes of the regular file at `path` (symbolic links followed), or `None` when the
/// path is something else. The path's metadata is checked before it is opened, so a FIFO
/// is never opened (that blocks until a writer comes) and a device never read (`/dev/zero`
/// would be read until memory runs out); the opened file is checked again, in case the
/// path changed in between.
pub fn read_regular(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    if !std::fs::metadata(path)?.is_file() {
        return Ok(None);
    }
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Whether `path` exists and is not a regular file (symbolic links followed): a path the
/// writer must not replace.
pub fn exists_but_not_regular(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| !meta.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        std::fs::write(&file, "[default]\n").unwrap();
        assert_eq!(read_regular(&file).unwrap().unwrap(), b"[default]\n");
        assert!(read_regular(dir.path()).unwrap().is_none());
        assert_eq!(
            read_regular(&dir.path().join("missing"))
                .unwrap_err()
                .kind(),
            std::io::ErrorKind::NotFound
        );
        assert!(exists_but_not_regular(dir.path()));
        assert!(!exists_but_not_regular(&file));
        assert!(!exists_but_not_regular(&dir.path().join("missing")));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_not_read() {
        // A device that would never end; a FIFO is covered end to end (tests/cli), where a
        // process that blocks is killed by the watchdog.
        assert!(read_regular(Path::new("/dev/zero")).unwrap().is_none());
        assert!(exists_but_not_regular(Path::new("/dev/zero")));
    }
}
