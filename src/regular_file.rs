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
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Whether `path` exists and is not a regular file (symbolic links followed): a path the
/// writer must not replace.
pub fn exists_but_not_regular(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| !meta.is_file())
}
