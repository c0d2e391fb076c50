//! The config and credentials files on disk: read as botocore finds them (only a regular
//! file is a file, [`crate::regular_file`]), and the lock that makes writers of one config
//! file take turns ([`WriteLock`]).

use std::path::{Path, PathBuf};

pub use crate::regular_file::{exists_but_not_regular, read_regular};
use std::time::{Duration, Instant};

/// An exclusive lock on writing one file, held until dropped. Writers that read, edit and
/// replace the file under it never lose each other's changes.
///
/// It is an OS file lock (`File::try_lock`: `flock` on Unix, `LockFileEx` on Windows) on an
/// empty lock file beside the file, `.NAME.lock`, created 0600: hidden, and named like no
/// file an AWS tool reads. The OS drops the lock when its process ends, however it ends,
/// so a lock file a crash left behind never blocks anyone; only a live writer does, and
/// only while it writes. On Unix the holder removes the lock file before letting go, so
/// none stays beside the config; a writer that then finds it locked a file no longer at
/// the path starts over with the one that is.
#[derive(Debug)]
pub struct WriteLock {
    file: std::fs::File,
    path: PathBuf,
}

/// How long a writer waits for the others: far longer than a write takes, short enough
/// never to look hung.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Why [`WriteLock::acquire`] did not lock.
#[derive(Debug)]
pub enum LockFailure {
    /// The lock file could not be created or opened.
    Io(std::io::Error),
    /// Another process held the lock for all of [`LOCK_WAIT`].
    TimedOut,
    /// Locking failed other than by waiting: the file system does not lock files (some
    /// network file systems) or has no locks left. The error it gave.
    Unsupported(std::io::Error),
}

impl WriteLock {
    /// The lock file for `target`: `.NAME.lock` in the same directory.
    pub fn path_for(target: &Path) -> PathBuf {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        target
            .parent()
            .unwrap_or(Path::new("."))
            .join(format!(".{name}.lock"))
    }

    /// Takes the lock for writing `target`, waiting up to `wait` for other writers. The
    /// directory must exist.
    pub fn acquire(target: &Path, wait: Duration) -> Result<WriteLock, LockFailure> {
        let path = Self::path_for(target);
        let deadline = Instant::now() + wait;
        loop {
            let mut options = std::fs::OpenOptions::new();
            options.read(true).write(true).create(true).truncate(false);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let file = options.open(&path).map_err(LockFailure::Io)?;
            match file.try_lock() {
                Ok(()) => {
                    if still_at(&file, &path) {
                        return Ok(WriteLock { file, path });
                    }
                    // The holder before us removed this file: lock the one now there.
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    if Instant::now() >= deadline {
                        return Err(LockFailure::TimedOut);
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(LockFailure::Unsupported(e)),
            }
        }
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        // Removed while still locked: a writer waiting on this file finds it gone once it
        // gets the lock, and starts over. Then unlocked, and closed with the handle.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Whether the locked `file` is still the one at `path` (same device and inode).
#[cfg(unix)]
fn still_at(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(locked), Ok(current)) => locked.dev() == current.dev() && locked.ino() == current.ino(),
        _ => false,
    }
}

/// Lock files are not removed where files cannot be removed while open: the one at the
/// path is the one locked.
#[cfg(not(unix))]
fn still_at(_file: &std::fs::File, _path: &Path) -> bool {
    true
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

    #[test]
    fn the_lock_is_exclusive_private_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("config");
        let lock_path = dir.path().join(".config.lock");
        assert_eq!(WriteLock::path_for(&target), lock_path);
        let lock = WriteLock::acquire(&target, Duration::ZERO).unwrap();
        assert_eq!(lock.path(), lock_path);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&lock_path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            assert_eq!(std::fs::metadata(&lock_path).unwrap().len(), 0);
        }
        // A second writer (another open file, as in another process) waits, then gives up.
        let started = Instant::now();
        assert!(matches!(
            WriteLock::acquire(&target, Duration::from_millis(50)),
            Err(LockFailure::TimedOut)
        ));
        assert!(started.elapsed() >= Duration::from_millis(50));
        drop(lock);
        #[cfg(unix)]
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        drop(WriteLock::acquire(&target, Duration::ZERO).unwrap());
    }

    /// A lock file left by a writer that crashed is no lock: only a live holder blocks.
    #[test]
    fn a_stale_lock_file_never_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("config");
        std::fs::write(WriteLock::path_for(&target), "").unwrap();
        let lock = WriteLock::acquire(&target, Duration::ZERO).unwrap();
        drop(lock);
        #[cfg(unix)]
        assert!(!WriteLock::path_for(&target).exists());
    }

    /// A writer that waited on a lock file its holder removed starts over with the file
    /// now at the path, so two writers never both hold "the" lock.
    #[cfg(unix)]
    #[test]
    fn a_waiter_on_a_removed_lock_file_locks_the_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = std::sync::Arc::new(dir.path().join("config"));
        let first = WriteLock::acquire(&target, Duration::ZERO).unwrap();
        let waiter = {
            let target = target.clone();
            std::thread::spawn(move || WriteLock::acquire(&target, Duration::from_secs(10)))
        };
        // Let the waiter open the current lock file, then release it (removing it).
        std::thread::sleep(Duration::from_millis(50));
        drop(first);
        let second = waiter.join().unwrap().unwrap();
        // The waiter holds the file at the path, so a third writer must wait.
        assert!(second.path().exists());
        assert!(matches!(
            WriteLock::acquire(&target, Duration::from_millis(20)),
            Err(LockFailure::TimedOut)
        ));
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
