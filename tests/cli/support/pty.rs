//! A pseudo-terminal driver for interactive tests: starts awsso on a fixed 80x24 terminal
//! with a sandbox's environment, types keys, waits for what the screen shows (under the
//! 30 s watchdog counted from the start), and renders the screen as text with a vt100
//! parser so tests compare whole screens.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

use super::{awsso_bin, Sandbox, WATCHDOG};

pub const ROWS: u16 = 24;
pub const COLS: u16 = 80;

/// Keys as a terminal sends them.
pub mod keys {
    pub const ENTER: &str = "\r";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const BACKSPACE: &str = "\x7f";
    pub const ESCAPE: &str = "\x1b";
    pub const CTRL_C: &str = "\x03";
    pub const CTRL_U: &str = "\x15";
}

/// awsso running in a pseudo-terminal.
pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Everything the program wrote, as bytes.
    raw: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
    deadline: Instant,
    _master: Box<dyn MasterPty + Send>,
}

impl Pty {
    /// Starts `awsso ARGS` in a new 80x24 terminal with exactly the sandbox's environment.
    pub fn spawn(sandbox: &Sandbox, args: &[&str]) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(awsso_bin());
        cmd.args(args);
        cmd.env_clear();
        for (key, value) in &sandbox.env {
            cmd.env(key, value);
        }
        cmd.cwd(sandbox.home());
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("spawn awsso in the pty");
        // Only the child holds the terminal now, so its exit ends our reads.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let parser = Arc::clone(&parser);
            let raw = Arc::clone(&raw);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                loop {
                    match reader.read(&mut buf) {
                        // EIO once the child has gone and the terminal closed.
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            parser.lock().unwrap().process(&buf[..n]);
                            raw.lock().unwrap().extend_from_slice(&buf[..n]);
                        }
                    }
                }
            })
        };
        Pty {
            child,
            writer,
            parser,
            raw,
            reader: Some(reader),
            deadline: Instant::now() + WATCHDOG,
            _master: pair.master,
        }
    }

    /// Types `keys` (see [`keys`]).
    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// The screen as text: each row without trailing blanks, trailing empty rows dropped.
    pub fn screen(&self) -> String {
        render(self.parser.lock().unwrap().screen())
    }

    /// Where the cursor is: (row, column), from 0.
    pub fn cursor(&self) -> (u16, u16) {
        self.parser.lock().unwrap().screen().cursor_position()
    }

    /// Everything written to the terminal so far, as text.
    pub fn raw_output(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    /// Waits until the screen shows `text` somewhere; a sync point before typing.
    #[track_caller]
    pub fn wait_for(&mut self, text: &str) {
        self.wait_until(
            |screen| screen.contains(text),
            &format!("screen to show {text:?}"),
        );
    }

    /// Waits until the whole screen is `expected` and fails with the difference when the
    /// watchdog runs out first.
    #[track_caller]
    pub fn expect_screen(&mut self, expected: &str) {
        let expected = expected.trim_end_matches('\n');
        if !self.poll_until(|screen| screen == expected) {
            let actual = self.screen();
            self.kill();
            assert_eq!(actual, expected, "screen (left: actual)");
        }
    }

    /// Waits for the program to end under the watchdog and returns its exit code; the screen
    /// stays readable.
    #[track_caller]
    pub fn wait(&mut self) -> u32 {
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for awsso") {
                if let Some(reader) = self.reader.take() {
                    let _ = reader.join();
                }
                return status.exit_code();
            }
            if Instant::now() > self.deadline {
                let screen = self.screen();
                self.kill();
                panic!("awsso still running after {WATCHDOG:?}: killed. Screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[track_caller]
    fn wait_until(&mut self, mut done: impl FnMut(&str) -> bool, what: &str) {
        if !self.poll_until(&mut done) {
            let screen = self.screen();
            self.kill();
            panic!("timed out waiting for {what}. Screen:\n{screen}");
        }
    }

    fn poll_until(&mut self, mut done: impl FnMut(&str) -> bool) -> bool {
        loop {
            if done(&self.screen()) {
                return true;
            }
            let exited = self.child.try_wait().ok().flatten().is_some();
            if exited {
                // Let the reader drain what was written last, then decide once more.
                if let Some(reader) = self.reader.take() {
                    let _ = reader.join();
                }
                return done(&self.screen());
            }
            if Instant::now() > self.deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.kill();
        }
    }
}

/// A vt100 screen as text, as [`Pty::screen`] shows it.
pub fn render(screen: &vt100::Screen) -> String {
    let rows: Vec<String> = screen
        .rows(0, COLS)
        .map(|row| row.trim_end().to_owned())
        .collect();
    rows.join("\n").trim_end_matches('\n').to_owned()
}
