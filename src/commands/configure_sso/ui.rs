//! The wizard's terminal: v2's line prompts (`PTKPrompt` in `configure/sso.py`) and its
//! arrow-key list (`wizard/ui/selectmenu.py`), drawn with plain ANSI sequences on stdout and
//! fed one key at a time, plus what v2 lacks: type-to-filter in the list.
//!
//! Everything goes through [`Context::out`], so unit tests drive a [`Tty`] with scripted keys
//! and read back what was drawn. Drawing keeps track of how many rows the widget spans, so a
//! redraw goes back to its first row, clears to the end of the screen and paints it again;
//! once a prompt is answered only its final line stays, as with prompt_toolkit.
//!
//! Completions work as v2's prompt_toolkit set-up does (`WordCompleter`, pattern `\S+`,
//! `complete_while_typing`): typing opens a menu of the completions that start with the word
//! before the cursor, with their descriptions; Tab/Down and Shift-Tab/Up walk it, putting
//! each in the word's place; Tab with no menu inserts what the matches share. What differs,
//! for want of prompt_toolkit's floating windows: the menu takes the rows under the line
//! (at most [`MENU_ROWS`], then an `(i-j of n)` count instead of a scrollbar), it marks the
//! chosen row with `> ` (reverse video too unless `NO_COLOR`), and it is drawn above the
//! session toolbar and validation message rather than over them.

use std::collections::VecDeque;

use console::Key;

use crate::context::Context;
use crate::error::{Error, Result};

/// The terminal failed the prompt (a general error, 255).
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error("Unable to read from the terminal: {0}")]
    TerminalUnreadable(std::io::Error),
}

impl From<UiError> for Error {
    fn from(e: UiError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// Where keys come from: the terminal, or a script in unit tests.
pub trait Keys {
    fn read(&mut self) -> std::io::Result<Key>;

    /// Holds the terminal in raw mode (`true`) until released (`false`), so keys typed
    /// while a prompt is being drawn are not echoed by the tty driver.
    fn hold_raw(&mut self, _raw: bool) {}
}

/// The real keyboard. `read_key_raw` reports Ctrl-C as a key instead of raising SIGINT, so
/// an interrupted prompt can end with v2's exit code 130 and newline.
pub struct TerminalKeys {
    term: console::Term,
    /// The terminal's settings while a prompt holds it raw.
    #[cfg(unix)]
    saved: Option<rustix::termios::Termios>,
}

impl Default for TerminalKeys {
    fn default() -> Self {
        TerminalKeys {
            term: console::Term::stdout(),
            #[cfg(unix)]
            saved: None,
        }
    }
}

impl TerminalKeys {
    /// The terminal's width in columns (80 when it cannot be told).
    pub fn width(&self) -> usize {
        self.term
            .size_checked()
            .map(|(_, cols)| cols as usize)
            .filter(|&c| c > 0)
            .unwrap_or(80)
    }
}

impl Keys for TerminalKeys {
    fn read(&mut self) -> std::io::Result<Key> {
        self.term.read_key_raw()
    }

    #[cfg(unix)]
    fn hold_raw(&mut self, raw: bool) {
        use rustix::termios::{tcgetattr, tcsetattr, OptionalActions};
        let stdin = std::io::stdin();
        match (raw, self.saved.take()) {
            (true, None) => {
                if let Ok(saved) = tcgetattr(&stdin) {
                    let mut settings = saved.clone();
                    settings.make_raw();
                    // Output stays as it was (`\n` still moves to the next line's start).
                    settings.output_modes = saved.output_modes;
                    if tcsetattr(&stdin, OptionalActions::Now, &settings).is_ok() {
                        self.saved = Some(saved);
                    }
                }
            }
            (false, Some(saved)) => {
                let _ = tcsetattr(&stdin, OptionalActions::Now, &saved);
            }
            (_, saved) => self.saved = saved,
        }
    }
}

impl Drop for TerminalKeys {
    fn drop(&mut self) {
        self.hold_raw(false);
    }
}

/// Keys given in advance (unit tests). Running out is an error, as a closed terminal is.
pub struct ScriptedKeys(pub VecDeque<Key>);

impl Keys for ScriptedKeys {
    fn read(&mut self) -> std::io::Result<Key> {
        self.0
            .pop_front()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no more keys"))
    }
}

/// v2's prompt validators (`configure/sso.py`). Each sees the text as typed, before it is
/// stripped, and lets an empty answer through when the prompt has a default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Anything, including nothing.
    Any,
    /// `RequiredInputValidator`.
    Required,
    /// `StartUrlValidator`: botocore's `is_valid_endpoint_url`.
    StartUrl,
    /// `ScopesValidator`: no whitespace inside a comma-separated item.
    Scopes,
}

impl Check {
    /// `Err(message)` with v2's text when `text` is refused.
    pub fn validate(self, text: &str, default: Option<&str>) -> Result<(), &'static str> {
        let has_default = default.is_some_and(|d| !d.is_empty());
        match self {
            Check::Any => Ok(()),
            Check::Required if text.is_empty() && !has_default => Err("A value is required"),
            Check::Required => Ok(()),
            Check::StartUrl if text.is_empty() && has_default => Ok(()),
            Check::StartUrl if is_valid_endpoint_url(text) => Ok(()),
            Check::StartUrl => Err("Not a valid Start URL"),
            Check::Scopes if text.is_empty() && has_default => Ok(()),
            Check::Scopes
                if text
                    .split(',')
                    .any(|s| s.trim().contains(char::is_whitespace)) =>
            {
                Err("Scope values must be separated by commas")
            }
            Check::Scopes => Ok(()),
        }
    }
}

/// botocore's `is_valid_endpoint_url`: `urlsplit` must find a hostname, and the hostname must
/// be dot-separated labels of letters, digits and inner hyphens, at most 255 long.
pub fn is_valid_endpoint_url(url: &str) -> bool {
    let after_scheme = match url.split_once(':') {
        Some((scheme, rest))
            if scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            rest
        }
        _ => url,
    };
    let Some(rest) = after_scheme.strip_prefix("//") else {
        return false;
    };
    let netloc = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = netloc.rsplit_once('@').map_or(netloc, |(_, h)| h);
    if host_port.starts_with('[') {
        // An IPv6 literal never matches the hostname pattern.
        return false;
    }
    let host = host_port.split(':').next().unwrap_or_default();
    if host.is_empty() || host.len() > 255 {
        return false;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    host.split('.').all(|label| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// One completion offered at a line prompt, with its description if it has one (v2's
/// `WordCompleter` words and `meta_dict`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub meta: Option<String>,
}

impl Completion {
    pub fn plain(text: &str) -> Self {
        Completion {
            text: text.to_owned(),
            meta: None,
        }
    }

    pub fn described(text: &str, meta: &str) -> Self {
        Completion {
            text: text.to_owned(),
            meta: Some(meta.to_owned()),
        }
    }
}

/// One line prompt.
pub struct Line<'a> {
    /// The whole prompt, `SSO start URL [None]: ` included.
    pub prompt: String,
    /// What an empty answer gives.
    pub default: Option<&'a str>,
    pub check: Check,
    /// What the completion menu offers for the word before the cursor (see [`Tty::ask`]).
    pub completions: Vec<Completion>,
    /// What to show under the input for the text typed so far (v2's bottom toolbar).
    pub toolbar: Option<Toolbar<'a>>,
}

/// Lines shown under a prompt for the text typed so far, or none.
pub type Toolbar<'a> = Box<dyn Fn(&str) -> Option<Vec<String>> + 'a>;

impl<'a> Line<'a> {
    /// v2's `'{prompt_text} [{current_value}]: '`, with Python's `None` for no value.
    pub fn bracketed(text: &str, default: Option<&'a str>, check: Check) -> Self {
        Line {
            prompt: format!("{text} [{}]: ", default.unwrap_or("None")),
            default,
            check,
            completions: Vec::new(),
            toolbar: None,
        }
    }

    pub fn toolbar(mut self, toolbar: Toolbar<'a>) -> Self {
        self.toolbar = Some(toolbar);
        self
    }

    /// Plain completions.
    pub fn completions(self, completions: Vec<String>) -> Self {
        self.with_completions(completions.iter().map(|c| Completion::plain(c)).collect())
    }

    pub fn with_completions(mut self, completions: Vec<Completion>) -> Self {
        self.completions = completions;
        self
    }
}

/// The terminal the wizard draws on.
pub struct Tty<'a> {
    ctx: &'a Context,
    keys: Box<dyn Keys + 'a>,
    width: usize,
    /// Reverse video on the selected row; off with `NO_COLOR`.
    color: bool,
    /// How many rows below the widget's first row the cursor is.
    row: usize,
}

impl<'a> Tty<'a> {
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn color(&self) -> bool {
        self.color
    }

    pub fn new(ctx: &'a Context, keys: Box<dyn Keys + 'a>, width: usize) -> Self {
        Tty {
            ctx,
            keys,
            width: width.max(10),
            color: ctx.env.get("NO_COLOR").is_none(),
            row: 0,
        }
    }

    fn key(&mut self) -> Result<Key> {
        self.keys
            .read()
            .map_err(|e| UiError::TerminalUnreadable(e).into())
    }

    /// Asks one question and returns the stripped answer, or the default for an empty one
    /// (v2's `PTKPrompt.get_value`). Ctrl-C leaves the line as typed and is
    /// [`Error::Interrupted`].
    ///
    /// Completion follows prompt_toolkit's `complete_while_typing` as v2 sets it up: typing
    /// opens a menu, under the word, of the completions starting with the word before the
    /// cursor (a run of non-blanks, case-sensitive), each with its description; Tab and Down
    /// put the next one in place of the word, Shift-Tab and Up the previous one, and going
    /// past either end brings the word back as typed. With no menu open, Tab inserts what
    /// every match shares, or the only match, and opens the menu. Any other edit or cursor
    /// move closes it. prompt_toolkit floats the menu over the screen; here it takes the
    /// rows below the line, up to [`MENU_ROWS`] of them, with `> ` on the chosen row.
    pub fn ask(&mut self, line: &Line<'_>) -> Result<Option<String>> {
        self.keys.hold_raw(true);
        let answer = self.ask_raw(line);
        self.keys.hold_raw(false);
        answer
    }

    fn ask_raw(&mut self, line: &Line<'_>) -> Result<Option<String>> {
        let mut text: Vec<char> = Vec::new();
        let mut pos = 0usize;
        let mut error: Option<&'static str> = None;
        let mut menu: Option<Menu> = None;
        loop {
            let typed: String = text.iter().collect();
            let mut below = match &menu {
                Some(menu) => self.menu_rows(line, &line.prompt, &text, menu),
                None => Vec::new(),
            };
            match (error, &line.toolbar) {
                (Some(error), _) => below.push(error.to_owned()),
                (None, Some(toolbar)) => below.extend(toolbar(&typed).unwrap_or_default()),
                (None, None) => {}
            }
            self.draw_line(&line.prompt, &text, pos, &below);
            let key = self.key()?;
            // What the key did to the menu; by default any key closes it.
            let mut next_menu = None;
            match key {
                Key::Enter => {
                    let typed: String = text.iter().collect();
                    match line.check.validate(&typed, line.default) {
                        Ok(()) => {
                            self.finish_line(&line.prompt, &text);
                            let answer = typed.trim();
                            return Ok(if answer.is_empty() {
                                line.default.map(str::to_owned)
                            } else {
                                Some(answer.to_owned())
                            });
                        }
                        Err(message) => error = Some(message),
                    }
                    menu = None;
                    continue;
                }
                Key::CtrlC => {
                    self.finish_line(&line.prompt, &text);
                    return Err(Error::Interrupted);
                }
                // Ctrl-D on an empty line ends the prompt like Ctrl-C (prompt_toolkit's EOF).
                Key::Char('\u{4}') if text.is_empty() => {
                    self.finish_line(&line.prompt, &text);
                    return Err(Error::Interrupted);
                }
                Key::Char('\u{4}') | Key::Del => {
                    if pos < text.len() {
                        text.remove(pos);
                    }
                }
                Key::Backspace => {
                    if pos > 0 {
                        pos -= 1;
                        text.remove(pos);
                    }
                }
                Key::ArrowLeft | Key::Char('\u{2}') => pos = pos.saturating_sub(1),
                Key::ArrowRight | Key::Char('\u{6}') => pos = (pos + 1).min(text.len()),
                Key::Home => pos = 0,
                Key::End => pos = text.len(),
                // Ctrl-U / Ctrl-K: delete to the start / the end of the line.
                Key::Char('\u{15}') => {
                    text.drain(..pos);
                    pos = 0;
                }
                Key::Char('\u{b}') => text.truncate(pos),
                // Ctrl-W: delete the word before the cursor.
                Key::Char('\u{17}') => {
                    let mut start = pos;
                    while start > 0 && text[start - 1].is_whitespace() {
                        start -= 1;
                    }
                    while start > 0 && !text[start - 1].is_whitespace() {
                        start -= 1;
                    }
                    text.drain(start..pos);
                    pos = start;
                }
                Key::Tab | Key::ArrowDown | Key::BackTab | Key::ArrowUp => {
                    let forward = matches!(key, Key::Tab | Key::ArrowDown);
                    next_menu = match menu.take() {
                        Some(mut open) => {
                            open.step(forward);
                            open.apply(line, &mut text, &mut pos);
                            Some(open)
                        }
                        None if matches!(key, Key::Tab) => {
                            start_completion(line, &mut text, &mut pos)
                        }
                        None if matches!(key, Key::BackTab) => {
                            Menu::open(line, &text, pos).map(|mut open| {
                                open.step(false);
                                open.apply(line, &mut text, &mut pos);
                                open
                            })
                        }
                        None => {
                            menu = None;
                            continue;
                        }
                    };
                }
                Key::Escape => {}
                Key::Char(c) if !c.is_control() => {
                    text.insert(pos, c);
                    pos += 1;
                    next_menu = Menu::open(line, &text, pos);
                }
                _ => continue,
            }
            menu = next_menu;
            // prompt_toolkit drops the validation message as soon as the text changes.
            error = None;
        }
    }

    /// The menu's rows: a window of up to [`MENU_ROWS`] matches around the chosen one, under
    /// the word being completed (shifted left when a row would not fit), and a count when
    /// not every match is shown.
    fn menu_rows(&self, line: &Line<'_>, prompt: &str, text: &[char], menu: &Menu) -> Vec<String> {
        let shown = menu.matches.len().min(MENU_ROWS);
        let top = match menu.selected {
            Some(selected) if selected >= shown => selected + 1 - shown,
            _ => 0,
        };
        let text_width = menu
            .matches
            .iter()
            .map(|&i| width_of(&line.completions[i].text))
            .max()
            .unwrap_or(0);
        let rows: Vec<String> = (top..top + shown)
            .map(|n| {
                let completion = &line.completions[menu.matches[n]];
                let marker = if menu.selected == Some(n) { "> " } else { "  " };
                let padding = " ".repeat(text_width - width_of(&completion.text));
                match &completion.meta {
                    Some(meta) => format!("{marker}{}{padding}  {meta}", completion.text),
                    None => format!("{marker}{}{padding}", completion.text),
                }
            })
            .collect();
        let before: String = text[..menu.start].iter().collect();
        let word_column = (width_of(prompt) + width_of(&before)) % self.width;
        let max_width = self.width - 1;
        let widest = rows.iter().map(|r| width_of(r)).max().unwrap_or(0);
        // The marker sits in the two columns before the word.
        let indent = word_column
            .saturating_sub(2)
            .min(max_width.saturating_sub(widest));
        let mut lines: Vec<String> = rows
            .iter()
            .enumerate()
            .map(|(row, text)| {
                let (text, _) = trim_text(text, max_width - indent);
                let chosen = menu.selected == Some(top + row);
                if chosen && self.color {
                    format!("{}\x1b[7m{text}\x1b[0m", " ".repeat(indent))
                } else {
                    format!("{}{text}", " ".repeat(indent))
                }
            })
            .collect();
        if menu.matches.len() > shown {
            let count = format!("  ({}-{} of {})", top + 1, top + shown, menu.matches.len());
            lines.push(format!(
                "{}{}",
                " ".repeat(indent),
                trim_text(&count, max_width - indent).0
            ));
        }
        lines
    }

    fn draw_line(&mut self, prompt: &str, text: &[char], pos: usize, below: &[String]) {
        let typed: String = text.iter().collect();
        let before: String = text[..pos].iter().collect();
        let mut lines = vec![format!("{prompt}{typed}")];
        lines.extend(below.iter().cloned());
        let col = width_of(prompt) + width_of(&before);
        self.paint(&lines, (0, col));
    }

    /// The answered prompt: the line as typed, the cursor on the next line.
    fn finish_line(&mut self, prompt: &str, text: &[char]) {
        let typed: String = text.iter().collect();
        let line = format!("{prompt}{typed}");
        let width = width_of(&line);
        self.paint(std::slice::from_ref(&line), (0, width));
        // `paint` already moved to a fresh row when the line filled its last row exactly.
        if width == 0 || !width.is_multiple_of(self.width) {
            self.ctx.out("\r\n");
        }
        self.row = 0;
    }

    /// v2's `select_menu` with a filter: Up/Down move (and wrap), Enter selects, typing
    /// narrows the list to entries holding every typed word (case-insensitive), Backspace and
    /// Esc undo the filter. Returns the index of the chosen item; the list is erased.
    pub fn select(&mut self, items: &[String]) -> Result<usize> {
        self.keys.hold_raw(true);
        let choice = self.select_raw(items);
        self.keys.hold_raw(false);
        choice
    }

    fn select_raw(&mut self, items: &[String]) -> Result<usize> {
        const MAX_HEIGHT: usize = 10;
        let lowered: Vec<String> = items.iter().map(|i| i.to_lowercase()).collect();
        let height = MAX_HEIGHT.min(items.len());
        // The scrollbar margin takes one column; the row is `> text  ` (3 + cursor wide).
        let max_width = self.width - 1;
        let widest = items.iter().map(|i| width_of(i)).max().unwrap_or(0);
        let menu_width = max_width.min((widest + 4).max(7));
        let show_footer_always = items.len() > MAX_HEIGHT;

        let mut query = String::new();
        let mut matches: Vec<usize> = (0..items.len()).collect();
        let mut selected = 0usize;
        let mut top = 0usize;
        loop {
            if selected < top {
                top = selected;
            } else if selected >= top + height {
                top = selected + 1 - height;
            }
            let mut lines = Vec::with_capacity(height + 1);
            for row in 0..height {
                let Some(&index) = matches.get(top + row) else {
                    lines.push(String::new());
                    continue;
                };
                let is_selected = top + row == selected;
                let cursor = if is_selected { '>' } else { ' ' };
                let (text, text_width) = trim_text(&items[index], menu_width - 4);
                let padding = " ".repeat(menu_width - 4 - text_width);
                let cell = format!("{cursor} {text}{padding}  ");
                lines.push(if is_selected && self.color {
                    format!("\x1b[7m{cell}\x1b[0m")
                } else {
                    cell
                });
            }
            if show_footer_always || !query.is_empty() {
                let footer = if query.is_empty() {
                    format!("Type to filter ({} total)", items.len())
                } else if matches.is_empty() {
                    format!("Filter: {query} (no match)")
                } else {
                    format!("Filter: {query} ({} of {})", matches.len(), items.len())
                };
                lines.push(trim_text(&footer, max_width).0);
            }
            let cursor_row = if matches.is_empty() {
                0
            } else {
                selected - top
            };
            self.paint(&lines, (cursor_row, 0));

            let key = self.key()?;
            let count = matches.len();
            let filter_changed = match key {
                Key::Enter if count > 0 => {
                    self.erase();
                    return Ok(matches[selected]);
                }
                Key::CtrlC => {
                    self.erase();
                    return Err(Error::Interrupted);
                }
                Key::ArrowUp if count > 0 => {
                    selected = (selected + count - 1) % count;
                    false
                }
                Key::ArrowDown if count > 0 => {
                    selected = (selected + 1) % count;
                    false
                }
                Key::PageUp => {
                    selected = selected.saturating_sub(height);
                    false
                }
                Key::PageDown if count > 0 => {
                    selected = (selected + height).min(count - 1);
                    false
                }
                Key::Backspace => query.pop().is_some(),
                Key::Escape | Key::Char('\u{15}') => {
                    let had = !query.is_empty();
                    query.clear();
                    had
                }
                Key::Char(c) if !c.is_control() => {
                    query.push(c);
                    true
                }
                _ => false,
            };
            if filter_changed {
                let terms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
                matches = (0..items.len())
                    .filter(|&i| terms.iter().all(|t| lowered[i].contains(t.as_str())))
                    .collect();
                selected = 0;
                top = 0;
            }
        }
    }

    /// Clears the widget and leaves the cursor where it started.
    fn erase(&mut self) {
        let mut out = String::new();
        if self.row > 0 {
            out.push_str(&format!("\x1b[{}A", self.row));
        }
        out.push_str("\r\x1b[J");
        self.ctx.out(&out);
        self.row = 0;
    }

    /// Redraws the widget from its first row: `lines` (each may wrap) and the cursor at
    /// `(line, column)`. One write per frame, so a frame is never seen half drawn.
    fn paint(&mut self, lines: &[String], cursor: (usize, usize)) {
        let cols = self.width;
        let mut out = String::new();
        if self.row > 0 {
            out.push_str(&format!("\x1b[{}A", self.row));
        }
        out.push_str("\r\x1b[J");
        // First and last physical row of each line, relative to the widget's first row.
        let mut spans: Vec<(usize, usize)> = Vec::with_capacity(lines.len());
        let mut row = 0usize;
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push_str("\r\n");
                row += 1;
            }
            let start = row;
            out.push_str(line);
            let width = width_of(line);
            let last = i + 1 == lines.len();
            if last && width > 0 && width.is_multiple_of(cols) {
                // The cursor waits at the right margin; step onto the next row so its place
                // is known whatever the terminal's wrapping rules.
                out.push_str(" \r");
                row = start + width / cols;
            } else {
                row = start + width.max(1).saturating_sub(1) / cols;
            }
            spans.push((start, row));
        }
        let (line, col) = cursor;
        let (start, end) = spans.get(line).copied().unwrap_or((0, 0));
        let (mut target_row, mut target_col) = (start + col / cols, col % cols);
        if target_row > end {
            (target_row, target_col) = (end, cols - 1);
        }
        if row > target_row {
            out.push_str(&format!("\x1b[{}A", row - target_row));
        }
        out.push('\r');
        if target_col > 0 {
            out.push_str(&format!("\x1b[{target_col}C"));
        }
        self.row = target_row;
        self.ctx.out(&out);
    }
}

/// How many completions the menu shows at once.
pub const MENU_ROWS: usize = 6;

/// The completion menu of a line prompt: prompt_toolkit's `CompleteState`.
struct Menu {
    /// Where the word being completed starts (index into the text).
    start: usize,
    /// The word as typed, put back when the choice goes past either end.
    typed: Vec<char>,
    /// Indexes into the prompt's completions.
    matches: Vec<usize>,
    /// The completion in the word's place, if any.
    selected: Option<usize>,
}

impl Menu {
    /// The menu for the word before the cursor, or none when nothing matches or the only
    /// match is the word itself (prompt_toolkit drops a completion that does nothing).
    fn open(line: &Line<'_>, text: &[char], pos: usize) -> Option<Menu> {
        let start = word_start(text, pos);
        let word: String = text[start..pos].iter().collect();
        let matches: Vec<usize> = line
            .completions
            .iter()
            .enumerate()
            .filter(|(_, c)| c.text.starts_with(&word))
            .map(|(i, _)| i)
            .collect();
        match matches.as_slice() {
            [] => None,
            [only] if line.completions[*only].text == word => None,
            _ => Some(Menu {
                start,
                typed: text[start..pos].to_vec(),
                matches,
                selected: None,
            }),
        }
    }

    /// The next (or previous) choice: none, then each match in turn, then none again.
    fn step(&mut self, forward: bool) {
        let count = self.matches.len();
        self.selected = match (self.selected, forward) {
            (None, true) => Some(0),
            (Some(i), true) if i + 1 < count => Some(i + 1),
            (None, false) => Some(count - 1),
            (Some(i), false) if i > 0 => Some(i - 1),
            _ => None,
        };
    }

    /// Puts the choice (or the word as typed) in the word's place, the cursor after it.
    fn apply(&self, line: &Line<'_>, text: &mut Vec<char>, pos: &mut usize) {
        let replacement: Vec<char> = match self.selected {
            Some(i) => line.completions[self.matches[i]].text.chars().collect(),
            None => self.typed.clone(),
        };
        let end = *pos;
        let len = replacement.len();
        text.splice(self.start..end, replacement);
        *pos = self.start + len;
    }
}

/// Where the word before the cursor starts: the run of non-blanks ending there (v2's
/// `WordCompleter(pattern=r'\S+')`).
fn word_start(text: &[char], pos: usize) -> usize {
    let mut start = pos;
    while start > 0 && !text[start - 1].is_whitespace() {
        start -= 1;
    }
    start
}

/// Tab with no menu open (prompt_toolkit's `start_completion(insert_common_part=True)`):
/// the only match, or what all matches share beyond the word, goes in; the menu opens
/// when more than one match remains.
fn start_completion(line: &Line<'_>, text: &mut Vec<char>, pos: &mut usize) -> Option<Menu> {
    let menu = Menu::open(line, text, *pos)?;
    let candidates: Vec<&str> = menu
        .matches
        .iter()
        .map(|&i| line.completions[i].text.as_str())
        .collect();
    let typed: String = menu.typed.iter().collect();
    let common = common_prefix(&candidates);
    if common.len() > typed.len() {
        let tail: Vec<char> = common[typed.len()..].chars().collect();
        let len = tail.len();
        text.splice(*pos..*pos, tail);
        *pos += len;
        if candidates.len() == 1 {
            return None;
        }
        return Menu::open(line, text, *pos);
    }
    Some(menu)
}

/// The longest prefix every candidate shares.
fn common_prefix<'s>(candidates: &[&'s str]) -> &'s str {
    let Some(first) = candidates.first() else {
        return "";
    };
    let mut prefix: &str = first;
    for other in &candidates[1..] {
        let common = prefix
            .char_indices()
            .zip(other.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8());
        prefix = &prefix[..common];
    }
    prefix
}

/// v2's session-name toolbar: while the text names an existing session, a full-width rule,
/// `Configuration for SSO session: NAME` in bold, and the session's keys as Python's
/// `json.dumps(config, indent=2)` prints them (non-ASCII escaped).
pub fn session_toolbar<'a>(
    sessions: &'a indexmap::IndexMap<String, serde_json::Value>,
    width: usize,
    bold: bool,
) -> Toolbar<'a> {
    Box::new(move |typed: &str| {
        let keys = sessions.get(typed)?;
        let title = format!("Configuration for SSO session: {typed}");
        let mut lines = vec![
            "\u{2500}".repeat(width),
            if bold {
                format!("\x1b[1m{title}\x1b[0m")
            } else {
                title
            },
            String::new(),
        ];
        lines.extend(
            crate::python::json_dumps_indented(keys, 2, true)
                .split('\n')
                .map(str::to_owned),
        );
        Some(lines)
    })
}

/// Display width, ANSI sequences ignored.
fn width_of(text: &str) -> usize {
    console::measure_text_width(text)
}

/// selectmenu's `_trim_text`: too wide a text is cut and ends in `...`.
fn trim_text(text: &str, max_width: usize) -> (String, usize) {
    let width = width_of(text);
    if width <= max_width {
        return (text.to_owned(), width);
    }
    let keep = max_width.saturating_sub(3).max(1);
    let mut trimmed = String::new();
    for c in text.chars() {
        let next = format!("{trimmed}{c}");
        if width_of(&next) > keep {
            break;
        }
        trimmed = next;
    }
    trimmed.push_str("...");
    if width_of(&trimmed) > max_width {
        trimmed = trimmed.chars().take(max_width).collect();
    }
    let width = width_of(&trimmed);
    (trimmed, width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Env;

    fn tty(ctx: &Context, keys: &[Key]) -> Tty<'static> {
        let ctx: &'static Context = Box::leak(Box::new(Context::for_tests(
            ctx.env.clone(),
            std::time::SystemTime::UNIX_EPOCH,
        )));
        Tty::new(
            ctx,
            Box::new(ScriptedKeys(keys.iter().cloned().collect())),
            80,
        )
    }

    fn typed(text: &str) -> Vec<Key> {
        text.chars()
            .map(|c| if c == '\n' { Key::Enter } else { Key::Char(c) })
            .collect()
    }

    /// What a terminal of 24x80 shows after `drawn`, trailing blanks dropped.
    fn screen(drawn: &str) -> String {
        let mut parser = vt100::Parser::new(24, 80, 0);
        parser.process(drawn.as_bytes());
        let rows: Vec<String> = parser.screen().rows(0, 80).collect();
        rows.iter()
            .map(|r| r.trim_end())
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_owned()
    }

    fn ctx() -> Context {
        Context::for_tests(Env::from_pairs([("NO_COLOR", "1")]), std::time::UNIX_EPOCH)
    }

    #[test]
    fn validators_follow_v2() {
        assert_eq!(
            Check::Required.validate("", None),
            Err("A value is required")
        );
        assert_eq!(Check::Required.validate("", Some("x")), Ok(()));
        assert_eq!(Check::Required.validate("  ", None), Ok(()));
        assert_eq!(
            Check::StartUrl.validate("not a url", None),
            Err("Not a valid Start URL")
        );
        assert_eq!(Check::StartUrl.validate("", Some("https://a")), Ok(()));
        assert_eq!(
            Check::StartUrl.validate("", None),
            Err("Not a valid Start URL")
        );
        assert_eq!(
            Check::Scopes.validate("a b", None),
            Err("Scope values must be separated by commas")
        );
        assert_eq!(Check::Scopes.validate("a, b", None), Ok(()));
        assert_eq!(
            Check::Scopes.validate("", Some("sso:account:access")),
            Ok(())
        );
    }

    #[test]
    fn endpoint_urls_follow_botocore() {
        for good in [
            "https://d-123.awsapps.com/start",
            "http://localhost:8080",
            "https://user@host.example.com/x?y#z",
            "//host.example.com",
            "https://host.example.com.",
        ] {
            assert!(is_valid_endpoint_url(good), "{good}");
        }
        for bad in [
            "",
            "d-123.awsapps.com/start",
            "https://",
            "https://-bad.example.com",
            "https://under_score.example.com",
            "https://[::1]/",
            "https://a..b",
        ] {
            assert!(!is_valid_endpoint_url(bad), "{bad}");
        }
    }

    #[test]
    fn empty_answer_gives_the_default_and_answers_are_stripped() {
        let c = ctx();
        let mut t = tty(&c, &typed("\n  x y  \n"));
        let line = Line::bracketed("Region", Some("eu-west-1"), Check::Any);
        assert_eq!(t.ask(&line).unwrap().as_deref(), Some("eu-west-1"));
        assert_eq!(t.ask(&line).unwrap().as_deref(), Some("x y"));
        let line = Line::bracketed("Region", None, Check::Any);
        let mut t = tty(&c, &typed("\n"));
        assert_eq!(t.ask(&line).unwrap(), None);
    }

    #[test]
    fn refused_answers_keep_the_prompt_open() {
        let c = ctx();
        let mut keys = typed("\nnope\n");
        keys.extend([Key::Char('\u{15}')]);
        keys.extend(typed("https://a.awsapps.com/start\n"));
        let mut t = tty(&c, &keys);
        let line = Line::bracketed("SSO start URL", None, Check::StartUrl);
        assert_eq!(
            t.ask(&line).unwrap().as_deref(),
            Some("https://a.awsapps.com/start")
        );
        let drawn = t.ctx.take_stdout();
        assert!(drawn.contains("SSO start URL [None]: \r\nNot a valid Start URL"));
        assert_eq!(
            screen(&drawn),
            "SSO start URL [None]: https://a.awsapps.com/start"
        );
    }

    #[test]
    fn editing_keys() {
        let c = ctx();
        let mut keys = typed("us-east2");
        keys.extend([Key::ArrowLeft, Key::Char('-'), Key::End, Key::Backspace]);
        keys.extend(typed("1"));
        keys.extend([Key::Home, Key::Del, Key::Char('U'), Key::Enter]);
        let mut t = tty(&c, &keys);
        let line = Line::bracketed("SSO region", None, Check::Required);
        assert_eq!(t.ask(&line).unwrap().as_deref(), Some("Us-east-1"));
    }

    fn regions() -> Line<'static> {
        Line::bracketed("SSO region", None, Check::Required).completions(vec![
            "us-east-1".into(),
            "us-east-2".into(),
            "eu-west-1".into(),
        ])
    }

    #[test]
    fn tab_and_arrows_walk_the_menu_typing_opened() {
        let c = ctx();
        // `us-` opens the menu; Tab takes the first match, Tab the second, Tab goes back to
        // the word as typed, Up to the last match.
        let mut keys = typed("us-");
        keys.extend([Key::Tab, Key::Tab, Key::Tab, Key::ArrowUp, Key::Enter]);
        let mut t = tty(&c, &keys);
        assert_eq!(t.ask(&regions()).unwrap().as_deref(), Some("us-east-2"));
        let mut keys = typed("us-");
        keys.extend([Key::BackTab, Key::BackTab, Key::ArrowDown, Key::Enter]);
        let mut t = tty(&c, &keys);
        assert_eq!(t.ask(&regions()).unwrap().as_deref(), Some("us-east-2"));
    }

    #[test]
    fn tab_with_no_menu_inserts_the_shared_part() {
        let c = ctx();
        // Backspace closes the menu; Tab then inserts `east-` (shared by both matches) and
        // opens the menu, whose first Tab takes `us-east-1`.
        let mut keys = typed("us-x");
        keys.extend([Key::Backspace, Key::Tab, Key::Tab, Key::Enter]);
        let mut t = tty(&c, &keys);
        assert_eq!(t.ask(&regions()).unwrap().as_deref(), Some("us-east-1"));
        // The only match goes in whole.
        let mut keys = typed("eu-x");
        keys.extend([Key::Backspace, Key::Tab, Key::Enter]);
        let mut t = tty(&c, &keys);
        assert_eq!(t.ask(&regions()).unwrap().as_deref(), Some("eu-west-1"));
        // Up and Down do nothing without a menu.
        let mut keys = typed("eu-x");
        keys.extend([Key::Backspace, Key::ArrowDown, Key::ArrowUp, Key::Enter]);
        let mut t = tty(&c, &keys);
        assert_eq!(t.ask(&regions()).unwrap().as_deref(), Some("eu-"));
    }

    #[test]
    fn only_the_word_before_the_cursor_is_completed() {
        let c = ctx();
        let line = Line::bracketed("SSO registration scopes", None, Check::Scopes)
            .with_completions(vec![
                Completion::described("sso:account:access", "Grants access"),
                Completion::described("other:scope", "Used in SSO sessions: a"),
            ]);
        let mut keys = typed("sso:account:access, o");
        keys.extend([Key::Tab, Key::Enter]);
        let mut t = tty(&c, &keys);
        assert_eq!(
            t.ask(&line).unwrap().as_deref(),
            Some("sso:account:access, other:scope")
        );
        let drawn = t.ctx.take_stdout();
        // The menu under the word being completed, with the description.
        let before_tab = drawn.rfind("\r\x1b[J").unwrap();
        let frames: Vec<&str> = drawn.split("\r\x1b[J").collect();
        let typed_o = frames[frames.len() - 3];
        // The row would not fit under the word, so it moves left to end before column 80.
        assert_eq!(
            screen(&format!("\r\x1b[J{typed_o}")),
            format!(
                "SSO registration scopes [None]: sso:account:access, o\n{}other:scope  Used in SSO sessions: a",
                " ".repeat(43)
            )
        );
        assert_eq!(
            screen(&drawn[before_tab..]),
            "SSO registration scopes [None]: sso:account:access, other:scope"
        );
    }

    #[test]
    fn the_menu_scrolls_and_counts_what_it_hides() {
        let c = ctx();
        let line = Line::bracketed("Name", None, Check::Any)
            .completions((1..=9).map(|i| format!("n{i}")).collect());
        let mut keys = typed("n");
        keys.extend([Key::ArrowUp, Key::CtrlC]);
        let mut t = tty(&c, &keys);
        assert!(t.ask(&line).is_err());
        let drawn = t.ctx.take_stdout();
        let frames: Vec<&str> = drawn.split("\r\x1b[J").collect();
        assert_eq!(
            screen(&format!("\r\x1b[J{}", frames[2])),
            "Name [None]: n\n             n1\n             n2\n             n3\n             n4\n             n5\n             n6\n             (1-6 of 9)"
        );
        assert_eq!(
            screen(&format!("\r\x1b[J{}", frames[3])),
            "Name [None]: n9\n             n4\n             n5\n             n6\n             n7\n             n8\n           > n9\n             (4-9 of 9)"
        );
    }

    #[test]
    fn ctrl_c_interrupts() {
        let c = ctx();
        let mut t = tty(&c, &[Key::Char('a'), Key::CtrlC]);
        let line = Line::bracketed("SSO region", None, Check::Required);
        assert!(matches!(t.ask(&line), Err(Error::Interrupted)));
        let mut t = tty(&c, &[Key::ArrowDown, Key::CtrlC]);
        let items = vec!["a".to_owned(), "b".to_owned()];
        assert!(matches!(t.select(&items), Err(Error::Interrupted)));
    }

    #[test]
    fn menu_moves_wraps_and_filters() {
        let c = ctx();
        let items: Vec<String> = ["Alpha (1)", "Beta (2)", "Gamma (3)"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut t = tty(&c, &[Key::ArrowUp, Key::Enter]);
        assert_eq!(t.select(&items).unwrap(), 2);
        let mut t = tty(
            &c,
            &[Key::ArrowDown, Key::ArrowDown, Key::ArrowDown, Key::Enter],
        );
        assert_eq!(t.select(&items).unwrap(), 0);
        let mut keys = typed("ta");
        keys.push(Key::ArrowDown);
        keys.push(Key::Enter);
        let mut t = tty(&c, &keys);
        // Only Beta holds "ta"; Down wraps back to it.
        assert_eq!(t.select(&items).unwrap(), 1);
        let mut keys = typed("zz");
        keys.extend([Key::Enter, Key::Escape, Key::Enter]);
        let mut t = tty(&c, &keys);
        assert_eq!(
            t.select(&items).unwrap(),
            0,
            "Enter does nothing without a match"
        );
    }

    #[test]
    fn long_answers_wrap_and_redraw_cleanly() {
        let c = ctx();
        // 22 columns of prompt + 58 typed fill the row exactly; a leading `_` makes it wrap
        // and be refused; removing it gives the answer.
        let url = format!("https://{}.awsapps.com/x", "a".repeat(36));
        assert_eq!(url.len(), 58);
        let mut keys = typed(&url);
        keys.extend([
            Key::Home,
            Key::Char('_'),
            Key::Enter,
            Key::Home,
            Key::Del,
            Key::Enter,
        ]);
        let mut t = tty(&c, &keys);
        let line = Line::bracketed("SSO start URL", None, Check::StartUrl);
        assert_eq!(t.ask(&line).unwrap().as_deref(), Some(url.as_str()));
        let drawn = t.ctx.take_stdout();
        let answered = format!("SSO start URL [None]: {url}");
        assert_eq!(screen(&format!("{drawn}next")), format!("{answered}\nnext"));
        let refused = drawn.rfind("Not a valid Start URL").unwrap();
        let upto = &drawn[..refused + "Not a valid Start URL".len()];
        let wrapped = format!("SSO start URL [None]: _{url}");
        assert_eq!(
            screen(upto),
            format!(
                "{}\n{}\nNot a valid Start URL",
                &wrapped[..80],
                &wrapped[80..]
            )
        );
    }

    #[test]
    fn long_lists_scroll_and_show_the_filter() {
        let c = ctx();
        let items: Vec<String> = (1..=12).map(|i| format!("Account {i:02}")).collect();
        let mut keys = vec![Key::ArrowUp];
        keys.extend(typed("1"));
        keys.push(Key::CtrlC);
        let mut t = tty(&c, &keys);
        assert!(t.select(&items).is_err());
        let drawn = t.ctx.take_stdout();
        let frames: Vec<&str> = drawn.split("\r\x1b[J").collect();
        // Frame 1: the first ten rows and the hint.
        let first = format!("\r\x1b[J{}", frames[1]);
        assert_eq!(
            screen(&first),
            "> Account 01\n  Account 02\n  Account 03\n  Account 04\n  Account 05\n  Account 06\n  Account 07\n  Account 08\n  Account 09\n  Account 10\nType to filter (12 total)"
        );
        // Up wraps to the last item, scrolled into view at the bottom.
        let second = format!("\r\x1b[J{}", frames[2]);
        assert_eq!(
            screen(&second),
            "  Account 03\n  Account 04\n  Account 05\n  Account 06\n  Account 07\n  Account 08\n  Account 09\n  Account 10\n  Account 11\n> Account 12\nType to filter (12 total)"
        );
        // Typing `1` keeps 01, 10, 11, 12 and pads the rest.
        let third = format!("\r\x1b[J{}", frames[3]);
        assert_eq!(
            screen(&third),
            "> Account 01\n  Account 10\n  Account 11\n  Account 12\n\n\n\n\n\n\nFilter: 1 (4 of 12)"
        );
        // Ctrl-C erases the list.
        assert_eq!(screen(&drawn), "");
    }

    #[test]
    fn long_items_are_cut_as_v2() {
        assert_eq!(trim_text("abcdef", 6), ("abcdef".to_owned(), 6));
        assert_eq!(trim_text("abcdefg", 6), ("abc...".to_owned(), 6));
        assert_eq!(trim_text("abcdefg", 2), ("a.".to_owned(), 2));
    }

    #[test]
    fn shared_prefix() {
        assert_eq!(common_prefix(&["json", "jsonl"]), "json");
        assert_eq!(common_prefix(&["text", "table"]), "t");
        assert_eq!(common_prefix(&["é1", "é2"]), "é");
        assert_eq!(common_prefix(&[]), "");
    }

    #[test]
    fn toolbar_json_is_pythons() {
        let sessions: indexmap::IndexMap<String, serde_json::Value> = [(
            "s".to_owned(),
            serde_json::json!({
                "sso_start_url": "https://ex\u{e4}mple.com/\u{1F600}",
                "s3": {"a": "b\u{e9}", "c": "\u{7f}"},
                "x": {},
            }),
        )]
        .into_iter()
        .collect();
        let toolbar = session_toolbar(&sessions, 4, false);
        assert_eq!(toolbar("t"), None);
        // Python: json.dumps(config, indent=2).
        assert_eq!(
            toolbar("s").unwrap().join("\n"),
            "\u{2500}\u{2500}\u{2500}\u{2500}\nConfiguration for SSO session: s\n\n{\n  \"sso_start_url\": \"https://ex\\u00e4mple.com/\\ud83d\\ude00\",\n  \"s3\": {\n    \"a\": \"b\\u00e9\",\n    \"c\": \"\\u007f\"\n  },\n  \"x\": {}\n}"
        );
    }
}
