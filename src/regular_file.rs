//! Reading a file that another tool shares with awsso, or that a user points it at, only when
//! it is a regular file: botocore asks `os.path.isfile` before it reads the config files
//! (`botocore/configloader.py` `raw_config_parse`) and the token cache
//! (`botocore/utils.py` `SSOTokenLoader`), so a directory, a device or a FIFO counts as no
//! file at all. Opening a FIFO would block until a writer comes, and `/dev/zero` would be
//! read until memory runs out, so a path is opened without blocking and nothing but a
//! regular file is ever read.

use std::io::Read;
use std::path::Path;

/// The bytes of the regular file at `path` (symbolic links followed), or `None` when the
/// path is something else. The path is opened without blocking (`O_NONBLOCK`, so a FIFO
/// does not wait for a writer) and without becoming a controlling terminal (`O_NOCTTY`), and
/// the opened file is checked before anything is read (a device is never read: `/dev/zero`
/// would be read until memory runs out). One open and one `fstat` instead of a `stat` of the
/// path first: the path is walked once, and `sso status` reads sixty files.
pub fn read_regular(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = match open_without_blocking(path) {
        Ok(file) => file,
        // A socket cannot be opened at all (ENXIO): what it is decides the answer.
        Err(e) => {
            return match std::fs::metadata(path) {
                Ok(meta) if !meta.is_file() => Ok(None),
                _ => Err(e),
            };
        }
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    // One read of the size the file has. A read that then falls short of the buffer has
    // found the end, so the usual second read that returns nothing is needed only when the
    // file has changed size since the `fstat`.
    let size = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = vec![0; size.saturating_add(1)];
    let mut filled = 0;
    loop {
        if filled == bytes.len() {
            bytes.resize(bytes.len() * 2, 0);
        }
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if filled == size && filled < bytes.len() {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    Ok(Some(bytes))
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
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
    fn a_regular_file_is_read_whole_and_anything_else_is_none() {
        let dir = tempfile::tempdir().unwrap();
        for size in [0, 1, 4095, 4096, 70_000] {
            let path = dir.path().join(format!("f{size}"));
            let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(read_regular(&path).unwrap(), Some(bytes), "{size}");
        }
        assert_eq!(read_regular(dir.path()).unwrap(), None);
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                assert_eq!(read_regular(&fifo).unwrap(), None);
            }
            // A socket cannot even be opened.
            let socket = dir.path().join("socket");
            let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
            assert_eq!(read_regular(&socket).unwrap(), None);
        }
        let missing = read_regular(&dir.path().join("missing")).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }
}
