//! Reading a file that another tool shares with awsso, or that a user points it at, only when
//! it is a regular file: botocore asks `os.path.isfile` before it reads the config files
//! (`botocore/configloader.py` `raw_config_parse`) and the token cache
//! (`botocore/utils.py` `SSOTokenLoader`), so a directory, a device or a FIFO counts as no
//! file at all. Opening a FIFO blocks until a writer comes, and `/dev/zero` would be read
//! until memory runs out, so neither is ever opened or read.

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
    // One read of the size the file has, one more that finds its end (or whatever was
    // appended since). `read_to_end` would ask for the size and position again first: two
    // system calls per file, and `sso status` reads sixty files.
    let mut bytes = vec![0; usize::try_from(meta.len()).unwrap_or(0).saturating_add(1)];
    let mut filled = 0;
    loop {
        if filled == bytes.len() {
            bytes.resize(bytes.len() * 2, 0);
        }
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
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
        }
        let missing = read_regular(&dir.path().join("missing")).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }
}
