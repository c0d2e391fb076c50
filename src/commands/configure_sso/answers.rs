//! Where each answer comes from: its flag when given, else the terminal, else (no terminal)
//! the prompt's default, as if Enter had been pressed. A prompt that would refuse an empty
//! answer records its flag as missing; [`Answers::check_missing`] then fails with every
//! missing flag at once (252), before anything is signed in to or written.

use super::ui::{Line, TerminalKeys, Tty};
use crate::context::Context;
use crate::error::{Error, Result};

/// An answer that cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// A flag's value that the prompt's own validator refuses (252).
    #[error("argument {flag_name}: {message}")]
    InvalidFlag {
        flag_name: &'static str,
        message: &'static str,
    },
    /// A list to choose from with no terminal (callers check for one first; 255).
    #[error("no terminal to choose from a list")]
    NoTerminal,
}

impl From<AnswerError> for Error {
    fn from(e: AnswerError) -> Self {
        match e {
            AnswerError::InvalidFlag { .. } => Error::ParamValidation(Box::new(e)),
            AnswerError::NoTerminal => Error::Other(Box::new(e)),
        }
    }
}

pub struct Answers<'a> {
    /// `configure sso` or `configure sso-session`, for the error message.
    command: &'static str,
    /// `None` without a terminal on stdin and stdout.
    tty: Option<Tty<'a>>,
    missing: Vec<&'static str>,
}

impl<'a> Answers<'a> {
    pub fn new(ctx: &'a Context, command: &'static str) -> Self {
        let tty = (ctx.terminal.stdin && ctx.terminal.stdout).then(|| {
            let keys = TerminalKeys::default();
            let width = keys.width();
            Tty::new(ctx, Box::new(keys), width)
        });
        Self::with_tty(command, tty)
    }

    pub fn with_tty(command: &'static str, tty: Option<Tty<'a>>) -> Self {
        Answers {
            command,
            tty,
            missing: Vec::new(),
        }
    }

    /// Whether questions go to a terminal.
    pub fn is_interactive(&self) -> bool {
        self.tty.is_some()
    }

    /// The terminal's width and whether it may be styled, when there is one.
    pub fn terminal_style(&self) -> Option<(usize, bool)> {
        self.tty.as_ref().map(|t| (t.width(), t.color()))
    }

    /// One prompt's answer: stripped, or the default when empty. A flag's value is checked
    /// with the prompt's own validator.
    pub fn ask(
        &mut self,
        line: Line<'_>,
        flag: Option<&str>,
        flag_name: &'static str,
    ) -> Result<Option<String>> {
        if let Some(value) = flag {
            let value = value.trim();
            line.check
                .validate(value, line.default)
                .map_err(|message| AnswerError::InvalidFlag { flag_name, message })?;
            return Ok(if value.is_empty() {
                line.default.map(str::to_owned)
            } else {
                Some(value.to_owned())
            });
        }
        match &mut self.tty {
            Some(tty) => tty.ask(&line),
            None => {
                if line.check.validate("", line.default).is_err() {
                    self.missing.push(flag_name);
                }
                Ok(line.default.map(str::to_owned))
            }
        }
    }

    /// A choice from a list; only asked with a terminal (callers check
    /// [`Answers::require_terminal`] first).
    pub fn select(&mut self, items: &[String]) -> Result<usize> {
        match &mut self.tty {
            Some(tty) => tty.select(items),
            None => Err(AnswerError::NoTerminal.into()),
        }
    }

    /// Fails now, naming `flag_name` among the missing flags, when there is no terminal to
    /// ask on.
    pub fn require_terminal(&mut self, flag_name: &'static str) -> Result<()> {
        if self.tty.is_none() {
            self.missing.push(flag_name);
        }
        self.check_missing()
    }

    /// `Missing required flags for a non-interactive configure sso: --a, --b` (252).
    pub fn check_missing(&mut self) -> Result<()> {
        if self.missing.is_empty() {
            return Ok(());
        }
        let flags = std::mem::take(&mut self.missing).join(", ");
        Err(Error::Usage {
            message: format!(
                "Missing required flags for a non-interactive {}: {flags}",
                self.command
            ),
            usage: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::ui::Check;
    use super::*;

    #[test]
    fn without_a_terminal_defaults_answer_and_required_prompts_are_missing() {
        let mut answers = Answers::with_tty("configure sso", None);
        let line = Line::bracketed("SSO start URL", None, Check::StartUrl);
        assert_eq!(answers.ask(line, None, "--sso-start-url").unwrap(), None);
        let line = Line::bracketed("SSO region", Some("eu-west-1"), Check::Required);
        assert_eq!(
            answers.ask(line, None, "--sso-region").unwrap().as_deref(),
            Some("eu-west-1")
        );
        let line = Line::bracketed("SSO region", None, Check::Required);
        answers.ask(line, None, "--sso-region").unwrap();
        let err = answers.check_missing().unwrap_err();
        assert_eq!(err.exit_code(), 252);
        assert_eq!(
            err.stderr_text(),
            "\nawsso: [ERROR]: Missing required flags for a non-interactive configure sso: --sso-start-url, --sso-region\n"
        );
        assert!(answers.check_missing().is_ok());
    }

    #[test]
    fn flags_are_validated_like_answers() {
        let mut answers = Answers::with_tty("configure sso", None);
        let line = Line::bracketed("SSO start URL", None, Check::StartUrl);
        let err = answers
            .ask(line, Some("nope"), "--sso-start-url")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "An error occurred (ParamValidation): argument --sso-start-url: Not a valid Start URL"
        );
        let line = Line::bracketed("SSO region", Some("us-east-1"), Check::Required);
        assert_eq!(
            answers
                .ask(line, Some(" eu-west-1 "), "--sso-region")
                .unwrap()
                .as_deref(),
            Some("eu-west-1")
        );
    }
}
