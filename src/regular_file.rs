//! Reading a file that another tool shares with awsso, or that a user points it at, only when
//! it is a regular file: botocore asks `os.path.isfile` before it reads the config files
//! (`botocore/configloader.py` `raw_config_parse`) and the token cache
//! (`botocore/utils.py` `SSOTokenLoader`), so a directory, a device or a FIFO counts as no
//! file at all. Opening a FIFO would block until a writer comes, and `/dev/zero` would be
//! read until memory runs out, so a path is opened without blocking and nothing but a
//! regular file is ever read.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The bytes of the regular file at `path` (symbolic links followed), or `None` when the
/// path is something else. The path is opened without blocking (`O_NONBLOCK`, so a FIFO
/// does not wait for a writer) and without becoming a controlling terminal (`O_NOCTTY`), and
/// the opened file is checked before anything is read (a device is never read: `/dev/zero`
/// would be read until memory runs out). One open and one `fstat` instead of a `stat` of the
/// path first: the path is walked once, and `sso status` reads sixty files.
pub fn read_regular(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match open_without_blocking(path) {
        Ok(file) => read_opened(file),
        Err(e) => not_regular_or(e, || path.to_owned()),
    }
}

/// After a failed open: `None` when the path is there but is no regular file (a socket
/// cannot be opened at all, ENXIO), else the error. A path that is not there is asked
/// nothing more, and its path is not even built (a missing file is the usual case: a
/// profile whose role credentials were never cached).
fn not_regular_or(
    e: std::io::Error,
    path: impl FnOnce() -> PathBuf,
) -> std::io::Result<Option<Vec<u8>>> {
    if e.kind() == std::io::ErrorKind::NotFound {
        return Err(e);
    }
    match std::fs::metadata(path()) {
        Ok(meta) if !meta.is_file() => Ok(None),
        _ => Err(e),
    }
}

fn read_opened(file: std::fs::File) -> std::io::Result<Option<Vec<u8>>> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    // The size the file has, in one read into memory that is not zeroed first: `take`
    // answers the read after it (which would find the end) without a system call. A file
    // that reports no size (a /proc file) is read to its end.
    let size = meta.len();
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    if size == 0 {
        (&file).read_to_end(&mut bytes)?;
    } else {
        (&file).take(size).read_to_end(&mut bytes)?;
    }
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

/// A directory many files are read from by name (`sso status` reads twenty tokens from one
/// and forty role credentials from another). Opened once, each file is then looked up from
/// it (`openat`), one name, instead of walking the whole path from the root again. Where it
/// cannot be opened (missing, no directory, another system), reads go by path and give
/// that path's answers.
pub struct Dir<'p> {
    path: &'p Path,
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

impl<'p> Dir<'p> {
    /// `path` opened for reading.
    pub fn open(path: &'p Path) -> Dir<'p> {
        Dir {
            path,
            #[cfg(unix)]
            fd: rustix::fs::open(
                path,
                rustix::fs::OFlags::RDONLY
                    | rustix::fs::OFlags::DIRECTORY
                    | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )
            .ok(),
        }
    }

    /// `path`, not opened: for a reader that takes a `Dir` and reads a single file.
    pub fn unopened(path: &'p Path) -> Dir<'p> {
        Dir {
            path,
            #[cfg(unix)]
            fd: None,
        }
    }

    /// The directory's path joined with `name`.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// [`read_regular`] of the file `name` in this directory.
    pub fn read_regular(&self, name: &str) -> std::io::Result<Option<Vec<u8>>> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            use rustix::fs::OFlags;
            let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
            return match rustix::fs::openat(fd, name, flags, rustix::fs::Mode::empty()) {
                Ok(file) => read_opened(std::fs::File::from(file)),
                Err(e) => not_regular_or(e.into(), || self.join(name)),
            };
        }
        read_regular(&self.join(name))
    }
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

    #[test]
    fn a_directory_reads_its_files_as_their_paths_do() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), b"{}").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        #[cfg(unix)]
        {
            let made = std::process::Command::new("mkfifo")
                .arg(dir.path().join("fifo"))
                .status();
            assert!(made.is_ok_and(|s| s.success()));
            let _listener =
                std::os::unix::net::UnixListener::bind(dir.path().join("socket")).unwrap();
        }
        let missing_dir = dir.path().join("none");
        let file_as_dir = dir.path().join("a.json");
        for (path, opens) in [
            (dir.path(), true),
            (missing_dir.as_path(), false),
            (file_as_dir.as_path(), false),
        ] {
            #[cfg(unix)]
            {
                assert_eq!(Dir::open(path).fd.is_some(), opens, "{}", path.display());
                assert!(Dir::unopened(path).fd.is_none());
            }
            for read in [Dir::open(path), Dir::unopened(path)] {
                for name in ["a.json", "sub", "fifo", "socket", "missing.json"] {
                    let by_path = read_regular(&path.join(name));
                    let from_dir = read.read_regular(name);
                    assert_eq!(
                        from_dir.as_ref().map_err(std::io::Error::kind),
                        by_path.as_ref().map_err(std::io::Error::kind),
                        "{} {name}",
                        path.display()
                    );
                }
            }
            let _ = opens;
        }
        assert_eq!(
            Dir::open(dir.path()).read_regular("a.json").unwrap(),
            Some(b"{}".to_vec())
        );
    }
}
