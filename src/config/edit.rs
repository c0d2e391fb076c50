//! The byte-preserving writer for `~/.aws/config` (used by `configure sso`): sets or deletes
//! keys in a profile or sso-session section, creating the section or the file where missing,
//! and keeps every other byte as it was. Rules: docs/compatibility.md, "Config writes", then
//! v2's `ConfigFileWriter` (`awscli/customizations/configure/writer.py`).
//!
//! Our own line editor rather than an INI crate: rust-ini and friends parse into a map and
//! serialise it back, dropping comments, blank lines, key spelling and botocore's indented
//! sub-properties. Here the file stays a list of lines; each line is classified with the
//! reader's own rules (configparser's indentation-based continuation lines, full-line
//! comments), and only the lines of the keys being set are rewritten.
//!
//! - Sections are found as the reader finds them ([`parse::section_of`]): the last header
//!   botocore reads as the profile or session is the one edited.
//! - A value that does not change keeps its line byte for byte (v2 would rewrite it as
//!   `key = value`; awsso does not: docs/compatibility.md, "Config writes").
//! - A changed value is rewritten in place as `key = value`, keeping the line's indentation
//!   and line ending; continuation/sub-property lines of the old value go with it.
//! - New keys go right after the section's last key line and its indented sub-lines, not
//!   after trailing comments or blank lines. A section without keys gets them right after
//!   its header. They take the indentation of the next line that is not blank or a
//!   comment, so that line is never read as the continuation of a new value.
//! - A missing section is appended at the end, after a line break only if the file lacks a
//!   final one (no blank line is added, as v2).
//! - New lines use the file's line ending (`\r\n` when its first line has one).
//! - Names, keys and values with `\n` or `\r` are rejected, as v2 does.
//!
//! The writer edits only a file the reader accepts, and reads its result back before
//! handing it out: the result must parse, read the values set where they were set, and
//! read everything else as before. A change that cannot be made so (a `[DEFAULT]` value the
//! new section would inherit and reject, a key the reader would split differently) is
//! refused and the file left as it was.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use compact_str::CompactString;

use super::file::{self, LockFailure, WriteLock};
use super::parse::{self, py_strip, Layers, RawSection, Value};
use crate::context::Context;
use crate::error::{Error, Result};

/// Which kind of section a [`SectionRef`] names.
pub use super::parse::SectionKind;

/// A profile or sso-session section, by its name as the user knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionRef {
    pub kind: SectionKind,
    pub name: String,
}

impl SectionRef {
    pub fn profile(name: impl Into<String>) -> Self {
        SectionRef {
            kind: SectionKind::Profile,
            name: name.into(),
        }
    }

    pub fn sso_session(name: impl Into<String>) -> Self {
        SectionRef {
            kind: SectionKind::SsoSession,
            name: name.into(),
        }
    }

    fn kind_word(&self) -> &'static str {
        match self.kind {
            SectionKind::Profile => "profile",
            SectionKind::SsoSession => "sso-session",
            SectionKind::Services => "services",
        }
    }

    /// The text between the brackets of a new header, as v2 names it
    /// (`profile_to_section`, `get_section_header`): `default` for the default profile,
    /// `profile NAME`, `sso-session NAME`, the name shell-quoted when it holds a space or a
    /// tab (`profile 'my prof'`) or would not read back unquoted.
    pub fn section_name(&self) -> String {
        if self.kind == SectionKind::Profile && self.name == "default" {
            return "default".to_owned();
        }
        format!("{} {}", self.kind_word(), quote_name(&self.name))
    }
}

/// Python's `shlex.quote` for names with a space or tab (v2 quotes only those), and for
/// names that botocore's `shlex.split` would not read back as themselves (`it's`, `a\b`,
/// the empty name), which v2 writes unreadable.
fn quote_name(name: &str) -> String {
    let reads_back = || parse::shlex_split(name).is_some_and(|words| words == [name]);
    if name.contains([' ', '\t']) || !reads_back() {
        format!("'{}'", name.replace('\'', "'\"'\"'"))
    } else {
        name.to_owned()
    }
}

/// The classification of one line, with the reader's rules. It borrows from the text
/// (a key is copied only to lower-case it), so a scan of a config of thousands of profiles
/// costs a few words a line.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind<'a> {
    Blank,
    Comment,
    /// `[text]`: the text between the brackets.
    Header(&'a str),
    /// The first line of an option: its key (lower-cased, as the reader sees it) and the
    /// value on that line.
    Key {
        key: Cow<'a, str>,
        value: &'a str,
    },
    /// A line indented deeper than its option: part of that option's value.
    Continuation,
    /// Anything else (the reader rejects the file; the writer leaves it alone).
    Other,
}

#[derive(Clone, Debug)]
struct Line<'a> {
    /// The line without its terminator.
    content: &'a str,
    /// `\n`, `\r\n`, `\r`, or empty for a last line without one.
    terminator: &'a str,
    kind: Kind<'a>,
}

/// `key` lower-cased as configparser's `optionxform` does, copied only when that changes it.
fn lower_case(key: &str) -> Cow<'_, str> {
    if key.chars().all(|c| c.to_lowercase().eq([c])) {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(key.to_lowercase())
    }
}

impl Line<'_> {
    /// The white space before the line's first other character.
    fn indent(&self) -> &str {
        &self.content
            [..self.content.len() - self.content.trim_start_matches(parse::is_py_space).len()]
    }
}

/// Splits and classifies every line like configparser's `_read` does.
fn scan(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::with_capacity(text.bytes().filter(|&b| b == b'\n').count() + 1);
    // configparser's `optname` (an option is open for continuation lines) and
    // `indent_level`.
    let mut option_open = false;
    let mut indent_level = 0usize;
    for (content, terminator) in parse::split_lines(text) {
        let stripped = py_strip(content);
        let kind = if stripped.starts_with(['#', ';']) {
            Kind::Comment
        } else if stripped.is_empty() {
            Kind::Blank
        } else {
            let indent = parse::indent_of(content);
            if option_open && indent > indent_level {
                Kind::Continuation
            } else {
                indent_level = indent;
                if let Some(header) = parse::section_header(stripped) {
                    option_open = false;
                    Kind::Header(header)
                } else if let Some((key, value)) = parse::split_option(stripped) {
                    option_open = true;
                    Kind::Key {
                        key: lower_case(key),
                        value,
                    }
                } else {
                    Kind::Other
                }
            }
        };
        lines.push(Line {
            content,
            terminator,
            kind,
        });
    }
    lines
}

/// One option of a section: its key line and where its block ends.
struct Block {
    /// Index of the key line.
    start: usize,
    /// One past the last line that belongs to the value (key line or continuation).
    end: usize,
}

/// The options of the section whose header is at `header`, up to the next header.
fn blocks(lines: &[Line<'_>], header: usize) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(header + 1) {
        match &line.kind {
            Kind::Header(_) => break,
            Kind::Key { .. } => blocks.push(Block {
                start: i,
                end: i + 1,
            }),
            Kind::Continuation => {
                if let Some(last) = blocks.last_mut() {
                    last.end = i + 1;
                }
            }
            Kind::Blank | Kind::Comment | Kind::Other => {}
        }
    }
    blocks
}

/// Why the writer refused an update.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// A section name, key or value with `\n` or `\r` (v2's `ConfigFileWriter` check).
    #[error("Invalid {what}: newline characters and carriage returns are not allowed")]
    Newline { what: &'static str },
    /// The text to edit does not parse: the writer never edits what the reader rejects.
    #[error("the config does not parse ({0})")]
    Unparseable(parse::ParseError),
    /// The edited text would not parse, or would read differently than intended.
    #[error("the change to [{section}] would {consequence}")]
    Unsafe {
        section: String,
        consequence: String,
    },
    /// [`EditError::Unsafe`] for a file, which was left as it was.
    #[error("Unable to write the config file {}: the change to [{section}] would {consequence}; the file was left unchanged", path.display())]
    Refused {
        path: PathBuf,
        section: String,
        consequence: String,
    },
    /// The config path is a directory, a device or a FIFO: the reader takes it for no file
    /// (botocore's `os.path.isfile`), and replacing it would destroy it.
    #[error("Unable to write the config file {}: it is not a regular file", path.display())]
    NotARegularFile { path: PathBuf },
    /// Another writer kept the config's lock for all of [`file::LOCK_WAIT`].
    #[error("Unable to write the config file {}: another process kept it locked ({}) for {} seconds", path.display(), lock.display(), file::LOCK_WAIT.as_secs())]
    LockTimedOut { path: PathBuf, lock: PathBuf },
}

impl EditError {
    /// The error for the file at `path`: a file that does not parse is the reader's
    /// `Unable to parse config file: PATH`; a refused change names the file.
    fn in_file(self, path: &Path) -> Error {
        match self {
            EditError::Unparseable(e) => Error::ConfigParse {
                path: path.to_owned(),
                detail: e.to_string(),
            },
            EditError::Unsafe {
                section,
                consequence,
            } => EditError::Refused {
                path: path.to_owned(),
                section,
                consequence,
            }
            .into(),
            other => other.into(),
        }
    }
}

impl From<EditError> for Error {
    fn from(e: EditError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// Rejects `\n` and `\r` in anything written.
fn check_no_newlines(what: &'static str, text: &str) -> Result<(), EditError> {
    if text.contains(['\n', '\r']) {
        return Err(EditError::Newline { what });
    }
    Ok(())
}

/// Sets (`Some`) or deletes (`None`) `values` in `section` of the config text `text` and
/// returns the new text. Everything not named in `values` is left byte for byte.
pub fn update_text(
    text: &str,
    section: &SectionRef,
    values: &[(&str, Option<&str>)],
) -> Result<String, EditError> {
    update_text_all(text, &[(section.clone(), values.to_vec())])
}

/// [`update_text`] for several sections at once, in one scan of the text: writing a
/// thousand profiles (`configure sso --all-roles`) costs one pass, not a thousand. The
/// result is the same as applying the updates one after another.
///
/// `text` must parse ([`EditError::Unparseable`] otherwise), and the result is read back
/// with the reader before it is returned ([`EditError::Unsafe`] when it would not parse or
/// would read differently than intended).
pub fn update_text_all(
    text: &str,
    updates: &[(SectionRef, Updates<'_>)],
) -> Result<String, EditError> {
    for (section, values) in updates {
        check_no_newlines("section name", &section.name)?;
        for (key, value) in values {
            check_no_newlines("key", key)?;
            if let Some(value) = value {
                check_no_newlines("value", value)?;
            }
        }
    }
    // The one-pass plan and its check assume each section is named once; a section named
    // twice (never the case in awsso's own writes) is applied in turn.
    let mut seen = std::collections::HashSet::new();
    if !updates
        .iter()
        .all(|(section, _)| seen.insert((section.kind, section.name.as_str())))
    {
        let mut text = text.to_owned();
        for update in updates {
            text = update_text_all(&text, std::slice::from_ref(update))?;
        }
        return Ok(text);
    }
    let before = parse::parse_layers(text).map_err(EditError::Unparseable)?;
    before.check_inherit().map_err(EditError::Unparseable)?;
    let edited = apply_all(text, updates);
    let Err(unsafe_change) = check(&before, &edited, updates) else {
        return Ok(edited);
    };
    // Name the update that causes the trouble; when the check could not tell (a result
    // that does not parse), the first that causes it alone.
    let culprit = unsafe_change.update.or_else(|| {
        (0..updates.len()).find(|&i| {
            let one = std::slice::from_ref(&updates[i]);
            check(&before, &apply_all(text, one), one).is_err()
        })
    });
    let section = updates
        .get(culprit.unwrap_or(0))
        .map_or_else(String::new, |(section, _)| section.section_name());
    Err(EditError::Unsafe {
        section,
        consequence: unsafe_change.consequence,
    })
}

/// New `key = value` lines after a line: their indentation, keys and values.
type Insertion<'a> = (&'a str, Vec<(&'a str, &'a str)>);

/// Applies `updates`, each naming a different section, to `text`, unchecked.
fn apply_all(text: &str, updates: &[(SectionRef, Updates<'_>)]) -> String {
    let lines = scan(text);
    let eol = lines
        .iter()
        .map(|l| l.terminator)
        .find(|t| !t.is_empty())
        .unwrap_or("\n");

    let header_of = header_lines(&lines, updates.iter().map(|(section, _)| section));

    // Per line: None = keep, Some(text) = replace with text (possibly empty: delete).
    let mut replacement: Vec<Option<String>> = vec![None; lines.len()];
    // Per line: new `key = value` lines to add after it, and their indentation.
    let mut insertions: HashMap<usize, Insertion<'_>> = HashMap::new();
    let mut appended: Vec<usize> = Vec::new();
    for (update, (_, values)) in updates.iter().enumerate() {
        let Some(header) = header_of[update] else {
            appended.push(update);
            continue;
        };
        let blocks = blocks(&lines, header);
        let mut pending: Vec<(&str, &str)> = Vec::new();
        for (key, value) in values {
            let wanted = key.to_lowercase();
            let mut found = false;
            for block in &blocks {
                let Kind::Key {
                    key: existing,
                    value: current,
                } = &lines[block.start].kind
                else {
                    continue;
                };
                if existing.as_ref() != wanted {
                    continue;
                }
                found = true;
                let single_line = block.end == block.start + 1;
                match value {
                    // The line already reads as this value.
                    Some(value) if single_line && *current == py_strip(value) => {}
                    Some(value) => {
                        let line = &lines[block.start];
                        // Sub-lines of the old value are dropped below, so the line keeps
                        // its own terminator (none only when it ends the file).
                        replacement[block.start] = Some(format!(
                            "{}{key} = {value}{}",
                            line.indent(),
                            line.terminator
                        ));
                        for slot in &mut replacement[block.start + 1..block.end] {
                            *slot = Some(String::new());
                        }
                    }
                    None => {
                        for slot in &mut replacement[block.start..block.end] {
                            *slot = Some(String::new());
                        }
                    }
                }
            }
            if !found {
                if let Some(value) = value {
                    pending.push((key, value));
                }
            }
        }
        if !pending.is_empty() {
            // New keys go after the last option's block, or right after the header. A
            // line after them indented deeper than they are would read as the
            // continuation of the last new value (comments and blank lines do not end a
            // value), so they take the indentation of the next line that counts. That
            // line is no deeper than the key before the insertion point (else it would be
            // that key's continuation), so the new keys do not continue that key either.
            let insert_at = blocks.last().map_or(header + 1, |b| b.end);
            let indent = lines[insert_at..]
                .iter()
                .find(|l| !matches!(l.kind, Kind::Blank | Kind::Comment))
                .map_or("", Line::indent);
            insertions.insert(insert_at - 1, (indent, pending));
        }
    }

    let mut out = String::with_capacity(text.len() + 64 * updates.len());
    for (i, line) in lines.iter().enumerate() {
        match &replacement[i] {
            Some(text) => out.push_str(text),
            None => {
                out.push_str(line.content);
                out.push_str(line.terminator);
            }
        }
        if let Some((indent, pending)) = insertions.get(&i) {
            if !out.is_empty() && !out.ends_with(['\n', '\r']) {
                out.push_str(eol);
            }
            for (key, value) in pending {
                out.push_str(&format!("{indent}{key} = {value}{eol}"));
            }
        }
    }
    for update in appended {
        let (section, values) = &updates[update];
        append_section(&mut out, section, values, eol);
    }
    out
}

/// For each of `sections`, the index of the header line the reader uses for it, if any: v2's
/// literal match, plus any quoting botocore reads as the same two words
/// (`[profile "my prof"]`, `[profile 'my prof']`); the default profile is `[default]` or
/// `[profile default]`. The last matching header of each section is the one the reader uses
/// (a later `[profile default]` replaces `[default]` whole).
fn header_lines<'s>(
    lines: &[Line<'_>],
    sections: impl Iterator<Item = &'s SectionRef>,
) -> Vec<Option<usize>> {
    // Which header names which section, the way the reader understands it
    // (`[profile "my prof"]` and `[profile 'my prof']` are profile `my prof`, `[default]`
    // and `[profile default]` the default profile). The last matching header of each
    // section is the one the reader uses (a later one replaces an earlier one whole).
    let sections: Vec<&SectionRef> = sections.collect();
    let mut header_of: Vec<Option<usize>> = vec![None; sections.len()];
    let by_name: HashMap<(SectionKind, &str), usize> = sections
        .iter()
        .enumerate()
        .map(|(i, section)| ((section.kind, section.name.as_str()), i))
        .collect();
    for (index, line) in lines.iter().enumerate() {
        let Kind::Header(header) = &line.kind else {
            continue;
        };
        if let Some((kind, name)) = parse::section_of(header) {
            if let Some(&section) = by_name.get(&(kind, name.as_ref())) {
                header_of[section] = Some(index);
            }
        }
    }
    header_of
}

/// Appends `[section]` and its keys at the end of `text`, after a line break only when
/// the text does not end with one. Deletions of a missing section change nothing.
fn append_section(
    out: &mut String,
    section: &SectionRef,
    values: &[(&str, Option<&str>)],
    eol: &str,
) {
    let new: Vec<(&str, &str)> = values
        .iter()
        .filter_map(|(k, v)| v.map(|v| (*k, v)))
        .collect();
    if new.is_empty() {
        return;
    }
    if !out.is_empty() && !out.ends_with(['\n', '\r']) {
        out.push_str(eol);
    }
    out.push_str(&format!("[{}]{eol}", section.section_name()));
    for (key, value) in new {
        out.push_str(&format!("{key} = {value}{eol}"));
    }
}

/// Why [`check`] rejects an edit: what it would do, and which update does it when known.
struct UnsafeChange {
    update: Option<usize>,
    consequence: String,
}

/// Reads the edited text back with the reader. It must parse, `[DEFAULT]` included; the
/// profile or session the reader finds for each update (the last section of its name)
/// must read each value set as `key = value` reads (stripped); that section must hold its
/// own options as before with the update applied; every other section must hold the same
/// own options as before, and none may appear or go. (`[DEFAULT]` must be as it was; a
/// value a section sets itself is never the inherited one.)
fn check(
    before: &Layers,
    edited: &str,
    updates: &[(SectionRef, Updates<'_>)],
) -> Result<(), UnsafeChange> {
    let unsafe_change = |update, consequence| UnsafeChange {
        update,
        consequence,
    };
    let not_parsing = |e: parse::ParseError| {
        unsafe_change(None, format!("leave a file that does not parse ({e})"))
    };
    let after = parse::parse_layers(edited).map_err(not_parsing)?;
    after.check_inherit().map_err(not_parsing)?;
    if after.defaults != before.defaults {
        return Err(unsafe_change(None, "change [DEFAULT]".to_owned()));
    }

    let targets: HashMap<(SectionKind, &str), usize> = updates
        .iter()
        .enumerate()
        .map(|(i, (section, _))| ((section.kind, section.name.as_str()), i))
        .collect();
    // The section (by index) the reader uses for each update: the last of that name.
    let mut read_from: HashMap<usize, usize> = HashMap::new();
    for (index, section) in after.sections.iter().enumerate() {
        if let Some((kind, name)) = parse::section_of(&section.header) {
            if let Some(&update) = targets.get(&(kind, name.as_ref())) {
                read_from.insert(update, index);
            }
        }
    }
    for (update, (section, values)) in updates.iter().enumerate() {
        let read = read_from.get(&update).map(|&i| &after.sections[i].values);
        for (key, value) in values {
            let Some(value) = value else { continue };
            let want = py_strip(value);
            let got = read
                .and_then(|props| props.get(key.to_lowercase().as_str()))
                .and_then(Value::as_str);
            if got != Some(want) {
                let section = section.section_name();
                return Err(unsafe_change(
                    Some(update),
                    match got {
                        Some(got) => {
                            format!("make [{section}] read {key} as {got:?} instead of {want:?}")
                        }
                        None => format!("leave {key} unset in [{section}]"),
                    },
                ));
            }
        }
    }
    let edited_sections: HashMap<usize, usize> = read_from
        .iter()
        .map(|(&update, &index)| (index, update))
        .collect();

    let own_before: HashMap<&str, &RawSection> = before
        .sections
        .iter()
        .map(|s| (s.header.as_str(), s))
        .collect();
    for (index, section) in after.sections.iter().enumerate() {
        let was = own_before.get(section.header.as_str());
        let difference = match (edited_sections.get(&index), was) {
            (Some(&update), was) => {
                let mut expected = was.map(|s| s.values.clone()).unwrap_or_default();
                for (key, value) in &updates[update].1 {
                    let key = CompactString::from(key.to_lowercase());
                    match value {
                        Some(value) => {
                            expected.insert(key, Value::Str(py_strip(value).into()));
                        }
                        None => {
                            expected.shift_remove(&key);
                        }
                    }
                }
                difference(&expected, &section.values).map(|d| (Some(update), d))
            }
            (None, Some(was)) => difference(&was.values, &section.values).map(|d| (None, d)),
            (None, None) => {
                return Err(unsafe_change(
                    None,
                    format!("add a section [{}]", section.header),
                ))
            }
        };
        if let Some((update, difference)) = difference {
            return Err(unsafe_change(
                update,
                format!("change what [{}] reads: {difference}", section.header),
            ));
        }
    }
    let own_after: std::collections::HashSet<&str> =
        after.sections.iter().map(|s| s.header.as_str()).collect();
    if let Some(lost) = before
        .sections
        .iter()
        .find(|s| !own_after.contains(s.header.as_str()))
    {
        return Err(unsafe_change(
            None,
            format!("lose the section [{}]", lost.header),
        ));
    }
    Ok(())
}

/// The first way `actual` differs from `expected`, in words; `None` when they are equal.
fn difference(expected: &crate::config::Props, actual: &crate::config::Props) -> Option<String> {
    let show = |value: &Value| match value {
        Value::Str(s) => format!("{s:?}"),
        Value::Nested(nested) => format!("{nested:?}"),
    };
    for (key, want) in expected {
        match actual.get(key) {
            None => return Some(format!("{key} is gone")),
            Some(got) if got != want => {
                return Some(format!(
                    "{key} reads {} instead of {}",
                    show(got),
                    show(want)
                ))
            }
            Some(_) => {}
        }
    }
    actual
        .keys()
        .find(|key| !expected.contains_key(*key))
        .map(|key| format!("{key} appears"))
}

/// Keys to set (`Some`) or delete (`None`) in one section, in the order new keys are added.
pub type Updates<'a> = Vec<(&'a str, Option<&'a str>)>;

/// The names of the profiles whose header has `marker` on the line directly above it (a
/// full-line comment, compared without its surrounding whitespace), in file order. A
/// profile is `[default]` or a header that splits (shell rules) into `profile NAME`, as the
/// reader names them.
pub fn marked_profiles(text: &str, marker: &str) -> Vec<String> {
    let lines = scan(text);
    let mut names = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Kind::Header(header) = &line.kind else {
            continue;
        };
        if index == 0 || !is_marker(&lines[index - 1], marker) {
            continue;
        }
        if *header == "default" {
            names.push("default".to_owned());
        } else if let Some([kind, name]) = parse::shlex_split(header).as_deref() {
            if kind.starts_with("profile") {
                names.push(name.clone());
            }
        }
    }
    names
}

fn is_marker(line: &Line<'_>, marker: &str) -> bool {
    line.kind == Kind::Comment && py_strip(line.content) == marker
}

/// [`update_text_all`] for a writer that labels what it adds (`configure sso --all-roles`):
/// each profile section it appends gets `marker` on the line directly above its header, and
/// each section of `remove` whose header carries the marker is removed whole: the marker
/// line, the header, and every line up to the end of its last key (comments and blank lines
/// after that belong to what follows and stay). A section in `remove` without the marker is
/// left alone. Sections that exist are updated key by key and keep or lack the marker as
/// they did. Everything else is left byte for byte.
pub fn update_text_marked(
    text: &str,
    marker: &str,
    updates: &[(SectionRef, Updates<'_>)],
    remove: &[SectionRef],
) -> Result<String> {
    check_no_newlines("marker", marker)?;
    let text = remove_marked(text, marker, remove);
    // The scan is dropped before update_text_all makes its own (a config of thousands of
    // profiles holds one at a time).
    let (eol, headers) = {
        let lines = scan(&text);
        let eol = lines
            .iter()
            .map(|l| l.terminator)
            .find(|t| !t.is_empty())
            .unwrap_or("\n");
        (
            eol,
            header_lines(&lines, updates.iter().map(|(section, _)| section)),
        )
    };
    let (existing, new): (Vec<_>, Vec<_>) = updates
        .iter()
        .zip(&headers)
        .partition(|(_, header)| header.is_some());
    let existing: Vec<(SectionRef, Updates<'_>)> = existing
        .into_iter()
        .map(|(update, _)| update.clone())
        .collect();
    let mut out = update_text_all(&text, &existing)?;
    drop(existing);
    // The sections below are appended to a string sized for them (not doubled as it grows).
    let appended: usize = new
        .iter()
        .map(|((section, values), _)| {
            let keys: usize = values
                .iter()
                .map(|(k, v)| v.map_or(0, |v| k.len() + v.len() + 3 + eol.len()))
                .sum();
            marker.len() + section.name.len() + 16 + 2 * eol.len() + keys
        })
        .sum();
    out.reserve_exact(appended);
    for ((section, values), _) in new {
        for (key, value) in values {
            check_no_newlines("key", key)?;
            if let Some(value) = value {
                check_no_newlines("value", value)?;
            }
        }
        check_no_newlines("section name", &section.name)?;
        if section.kind == SectionKind::Profile && values.iter().any(|(_, v)| v.is_some()) {
            if !out.is_empty() && !out.ends_with(['\n', '\r']) {
                out.push_str(eol);
            }
            out.push_str(marker);
            out.push_str(eol);
        }
        append_section(&mut out, section, values, eol);
    }
    Ok(out)
}

/// `text` without the sections of `remove` that carry the marker (see
/// [`update_text_marked`]).
fn remove_marked<'t>(text: &'t str, marker: &str, remove: &[SectionRef]) -> Cow<'t, str> {
    if remove.is_empty() {
        return Cow::Borrowed(text);
    }
    let lines = scan(text);
    let mut dropped = vec![false; lines.len()];
    for header in header_lines(&lines, remove.iter()).into_iter().flatten() {
        if header == 0 || !is_marker(&lines[header - 1], marker) {
            continue;
        }
        let blocks = blocks(&lines, header);
        let end = blocks.last().map_or(header + 1, |b| b.end);
        for slot in &mut dropped[header - 1..end] {
            *slot = true;
        }
    }
    let mut out = String::with_capacity(text.len());
    for (line, dropped) in lines.iter().zip(dropped) {
        if !dropped {
            out.push_str(line.content);
            out.push_str(line.terminator);
        }
    }
    Cow::Owned(out)
}

/// What [`edit_file`] found and made.
pub struct Edited {
    /// The file as it was (empty when there was none).
    pub before: String,
    /// The file as `edit` made it.
    pub after: String,
}

/// Reads the config file at `path`, lets `edit` make the new text from it, and (when `write`)
/// writes that atomically: under the writers' lock (read, edit and replace all happen while
/// it is held), only when it changed, keeping the mode, writing a symbolic link's target,
/// creating a missing file 0600. Without `write` nothing is written and no lock is taken
/// (`--dry-run`).
pub fn edit_file(
    ctx: &Context,
    path: &Path,
    write: bool,
    edit: impl FnOnce(&str) -> Result<String>,
) -> Result<Edited> {
    let target = resolve_symlinks(path);
    let not_regular = || EditError::NotARegularFile {
        path: path.to_owned(),
    };
    if file::exists_but_not_regular(&target) {
        return Err(not_regular().into());
    }
    let _lock = if write {
        crate::atomic::ensure_dir(target.parent().unwrap_or(Path::new(".")))?;
        lock(ctx, path, &target)?
    } else {
        None
    };
    let (before, mode) = match file::read_regular(&target) {
        Ok(None) => return Err(not_regular().into()),
        Ok(Some(bytes)) => {
            let mode = file_mode(&target)?;
            let text = String::from_utf8(bytes).map_err(|_| Error::ConfigParse {
                path: path.to_owned(),
                detail: "not valid UTF-8".into(),
            })?;
            (text, mode)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), 0o600),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    let after = edit(&before)?;
    if after == before {
        crate::context::ctx_debug!(ctx, "Config file {} unchanged", path.display());
    } else if write {
        crate::context::ctx_debug!(ctx, "Writing config file {}", target.display());
        crate::atomic::write(&target, after.as_bytes(), mode)?;
    }
    Ok(Edited { before, after })
}

/// Applies every update to the config file at `path` in one atomic write.
///
/// Writers take turns: the file is read, edited and replaced under a lock beside it
/// ([`WriteLock`]), so a process writing at the same time (another `configure sso`) never
/// loses its changes or ours; each edits the file as the one before left it.
///
/// A missing file is created 0600 (its missing directories 0700); an existing file keeps
/// its mode; when `path` is a symbolic link, the file it points to is written (and locked)
/// and the link stays. Nothing is written when nothing changes. A path that exists but is
/// not a regular file (a directory, a device, a FIFO) is refused: it is neither read nor
/// replaced.
pub fn update_file(
    ctx: &Context,
    path: &Path,
    updates: &[(SectionRef, Updates<'_>)],
) -> Result<()> {
    edit_file(ctx, path, true, |text| {
        update_text_all(text, updates).map_err(|e| e.in_file(path))
    })?;
    Ok(())
}

/// The lock for writing `target` (the config at `path`). Where the file system locks no
/// files, the write goes ahead unlocked, as every write did before and as the AWS CLI's
/// always does; `--debug` says so.
fn lock(ctx: &Context, path: &Path, target: &Path) -> Result<Option<WriteLock>> {
    match WriteLock::acquire(target, file::LOCK_WAIT) {
        Ok(lock) => {
            crate::context::ctx_debug!(ctx, "Locked {}", lock.path().display());
            Ok(Some(lock))
        }
        Err(LockFailure::Unsupported(e)) => {
            crate::context::ctx_debug!(
                ctx,
                "Writing config file {} without a lock: {e}",
                path.display()
            );
            Ok(None)
        }
        Err(LockFailure::TimedOut) => Err(EditError::LockTimedOut {
            path: path.to_owned(),
            lock: WriteLock::path_for(target),
        }
        .into()),
        Err(LockFailure::Io(e)) => Err(Error::io("write", path, e)),
    }
}

/// Follows symbolic links (also dangling ones) to the path that is really written, so the
/// rename replaces the target and the link itself stays.
fn resolve_symlinks(path: &Path) -> PathBuf {
    let mut current = path.to_owned();
    // Linux gives up after 40 links (ELOOP); so do we, writing the last one reached.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let Ok(link) = std::fs::read_link(&current) else {
                    break;
                };
                current = if link.is_absolute() {
                    link
                } else {
                    current.parent().unwrap_or(Path::new(".")).join(link)
                };
            }
            _ => break,
        }
    }
    current
}

#[cfg(unix)]
fn file_mode(path: &Path) -> Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
    Ok(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> Result<u32> {
    Ok(0o600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, section: &SectionRef, values: &[(&str, Option<&str>)]) -> String {
        update_text(text, section, values).unwrap()
    }

    fn profile(name: &str) -> SectionRef {
        SectionRef::profile(name)
    }

    #[test]
    fn many_sections_in_one_pass_equal_one_after_another() {
        let text = "# keep\n[default]\nregion=us-east-1\n\n[profile a]\noutput = json\n; note\n[sso-session s]\nsso_region = x\n[profile 'b c']\n[profile \"it's\"]\nk = v";
        let updates: Vec<(SectionRef, Updates<'_>)> = vec![
            (
                profile("default"),
                vec![("region", Some("eu-west-1")), ("output", Some("text"))],
            ),
            (profile("a"), vec![("output", None), ("region", Some("r"))]),
            (
                SectionRef::sso_session("s"),
                vec![("sso_region", Some("x"))],
            ),
            (profile("b c"), vec![("region", Some("q"))]),
            (profile("it's"), vec![("k", Some("w"))]),
            (profile("new one"), vec![("region", Some("n"))]),
            (
                SectionRef::sso_session("t"),
                vec![("sso_region", Some("y"))],
            ),
        ];
        let mut one_by_one = text.to_owned();
        for (section, values) in &updates {
            one_by_one =
                update_text_all(&one_by_one, &[(section.clone(), values.clone())]).unwrap();
        }
        let all = update_text_all(text, &updates).unwrap();
        assert_eq!(all, one_by_one);
        assert_eq!(
            all,
            "# keep\n[default]\nregion = eu-west-1\noutput = text\n\n[profile a]\nregion = r\n; note\n[sso-session s]\nsso_region = x\n[profile 'b c']\nregion = q\n[profile \"it's\"]\nk = w\n[profile 'new one']\nregion = n\n[sso-session t]\nsso_region = y\n"
        );
        // A section named twice is applied in turn.
        let twice = update_text_all(
            "",
            &[
                (profile("x"), vec![("a", Some("1"))]),
                (profile("x"), vec![("b", Some("2"))]),
            ],
        )
        .unwrap();
        assert_eq!(twice, "[profile x]\na = 1\nb = 2\n");
    }

    const MARK: &str = "# written by test";

    fn marked(text: &str, updates: &[(SectionRef, Updates<'_>)], remove: &[SectionRef]) -> String {
        update_text_marked(text, MARK, updates, remove).unwrap()
    }

    #[test]
    fn marked_profiles_have_the_marker_directly_above_their_header() {
        let text = "# written by test\n[profile a]\nk = v\n  # written by test  \n[profile 'b c']\n# written by test\n\n[profile d]\n# written by test\n[sso-session s]\n# other\n[profile e]\n# written by test\n[default]\n";
        assert_eq!(marked_profiles(text, MARK), ["a", "b c", "default"]);
        assert!(marked_profiles("[profile a]\n", MARK).is_empty());
    }

    #[test]
    fn added_profiles_carry_the_marker_and_existing_sections_keep_theirs() {
        let text =
            "# mine\n[profile old]\nregion = a\n# written by test\n[profile kept]\nregion = a";
        let updates = vec![
            (profile("old"), vec![("region", Some("b"))]),
            (profile("kept"), vec![("region", Some("a"))]),
            (profile("new one"), vec![("region", Some("c"))]),
            (
                SectionRef::sso_session("s"),
                vec![("sso_region", Some("us-east-1"))],
            ),
            (profile("nothing"), vec![("region", None)]),
        ];
        let once = marked(text, &updates, &[]);
        assert_eq!(
            once,
            "# mine\n[profile old]\nregion = b\n# written by test\n[profile kept]\nregion = a\n# written by test\n[profile 'new one']\nregion = c\n[sso-session s]\nsso_region = us-east-1\n"
        );
        // Again: nothing changes, no second marker.
        assert_eq!(marked(&once, &updates, &[]), once);
        assert_eq!(marked_profiles(&once, MARK), ["kept", "new one"]);
        // Without a marker to add, the same as update_text_all.
        let plain = vec![(profile("old"), vec![("region", Some("b"))])];
        assert_eq!(
            marked(text, &plain, &[]),
            update_text_all(text, &plain).unwrap()
        );
    }

    #[test]
    fn removal_takes_the_marker_and_the_section_and_nothing_else() {
        let text = "[default]\nregion = a\n# written by test\n[profile gone]\nsso_session = s\n; inside\nsso_role_name = R\n  nested = 1\n\n# about next\n# written by test\n[profile next]\nk = v\n# written by test\n[profile last]\nk = v";
        assert_eq!(
            marked(text, &[], &[profile("gone"), profile("last")]),
            "[default]\nregion = a\n\n# about next\n# written by test\n[profile next]\nk = v\n"
        );
        // Unmarked sections are never removed; missing ones are nothing to do.
        assert_eq!(
            marked(text, &[], &[profile("default"), profile("missing")]),
            text
        );
        // A removed name written again comes back at the end, marked.
        assert_eq!(
            marked(
                "# written by test\n[profile a]\nk = v\n[profile b]\n",
                &[(profile("c"), vec![("k", Some("w"))])],
                &[profile("a")]
            ),
            "[profile b]\n# written by test\n[profile c]\nk = w\n"
        );
    }

    #[test]
    fn marked_edits_keep_crlf_and_reject_newlines() {
        assert_eq!(
            marked(
                "[default]\r\nregion = a\r\n# written by test\r\n[profile x]\r\nk = v\r\n",
                &[(profile("y"), vec![("k", Some("v"))])],
                &[profile("x")]
            ),
            "[default]\r\nregion = a\r\n# written by test\r\n[profile y]\r\nk = v\r\n"
        );
        assert!(update_text_marked("", "# a\nb", &[], &[]).is_err());
        assert!(
            update_text_marked("", MARK, &[(profile("a\n"), vec![("k", Some("v"))])], &[]).is_err()
        );
    }

    #[test]
    fn edit_file_writes_only_when_asked_and_changed() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx_for(home.path());
        let path = home.path().join("config");
        std::fs::write(&path, "[default]\n").unwrap();
        let edited = edit_file(&ctx, &path, false, |text| Ok(format!("{text}x = 1\n"))).unwrap();
        assert_eq!(edited.before, "[default]\n");
        assert_eq!(edited.after, "[default]\nx = 1\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[default]\n");
        edit_file(&ctx, &path, true, |text| Ok(format!("{text}x = 1\n"))).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "[default]\nx = 1\n"
        );
        let missing = home.path().join("none/config");
        let edited = edit_file(&ctx, &missing, true, |text| Ok(text.to_owned())).unwrap();
        assert_eq!(edited.before, "");
        assert!(!missing.exists());
    }

    #[test]
    fn section_names_follow_v2() {
        assert_eq!(profile("default").section_name(), "default");
        assert_eq!(profile("dev").section_name(), "profile dev");
        assert_eq!(profile("my prof").section_name(), "profile 'my prof'");
        assert_eq!(profile("tab\tname").section_name(), "profile 'tab\tname'");
        assert_eq!(
            profile("it's mine").section_name(),
            "profile 'it'\"'\"'s mine'"
        );
        assert_eq!(
            SectionRef::sso_session("my sso").section_name(),
            "sso-session 'my sso'"
        );
        assert_eq!(
            SectionRef::sso_session("s1").section_name(),
            "sso-session s1"
        );
    }

    #[test]
    fn quoted_names_read_back_as_the_same_name() {
        for name in ["my prof", "it's mine", "a\tb", "x \"y\""] {
            let text = set("", &profile(name), &[("region", Some("r"))]);
            let config = crate::config::AwsConfig::from_config_text(&text).unwrap();
            assert_eq!(config.profiles.keys().collect::<Vec<_>>(), [name], "{text}");
        }
    }

    #[test]
    fn new_file_gets_v2_layout() {
        let text = set(
            "",
            &profile("dev"),
            &[
                ("sso_session", Some("dev")),
                ("sso_account_id", Some("0123456789")),
                ("region", None),
            ],
        );
        let text = set(
            &text,
            &SectionRef::sso_session("dev"),
            &[("sso_start_url", Some("https://starturl"))],
        );
        assert_eq!(
            text,
            "[profile dev]\nsso_session = dev\nsso_account_id = 0123456789\n[sso-session dev]\nsso_start_url = https://starturl\n"
        );
    }

    #[test]
    fn unchanged_values_keep_their_bytes() {
        let text = "[profile dev]\n region=us-east-1\n output :  json  \n sso_session=s";
        assert_eq!(
            set(
                text,
                &profile("dev"),
                &[
                    ("region", Some("us-east-1")),
                    ("output", Some("json")),
                    ("sso_session", Some("s"))
                ]
            ),
            text
        );
    }

    #[test]
    fn changed_values_are_rewritten_in_place() {
        let text = "# top\n[profile dev]\nRegion=us-east-1 # old\noutput = json\n\n[profile x]\nregion = a\n";
        assert_eq!(
            set(text, &profile("dev"), &[("region", Some("eu-west-1"))]),
            "# top\n[profile dev]\nregion = eu-west-1\noutput = json\n\n[profile x]\nregion = a\n"
        );
    }

    #[test]
    fn indented_key_lines_keep_their_indent() {
        let text = "[profile dev]\n  region = a\n  output = json\n";
        assert_eq!(
            set(text, &profile("dev"), &[("region", Some("b"))]),
            "[profile dev]\n  region = b\n  output = json\n"
        );
    }

    #[test]
    fn new_keys_go_after_the_last_key_and_its_sub_lines() {
        let text = "[profile dev]\nregion = a\ns3 =\n  max_concurrent_requests = 20\n\n  addressing_style = path\n# trailing comment\n\n[profile x]\n";
        assert_eq!(
            set(text, &profile("dev"), &[("output", Some("json")), ("k", Some("v"))]),
            "[profile dev]\nregion = a\ns3 =\n  max_concurrent_requests = 20\n\n  addressing_style = path\noutput = json\nk = v\n# trailing comment\n\n[profile x]\n"
        );
    }

    #[test]
    fn new_keys_in_an_empty_section_go_after_its_header() {
        let text = "[profile dev]\n# about dev\n\n[profile x]\n";
        assert_eq!(
            set(text, &profile("dev"), &[("region", Some("a"))]),
            "[profile dev]\nregion = a\n# about dev\n\n[profile x]\n"
        );
    }

    #[test]
    fn deleting_removes_the_key_and_its_sub_lines() {
        let text = "[default]\ns3 =\n  a = 1\n  b = 2\nregion = x\n# keep\n";
        assert_eq!(
            set(
                text,
                &profile("default"),
                &[("s3", None), ("missing", None)]
            ),
            "[default]\nregion = x\n# keep\n"
        );
    }

    #[test]
    fn replacing_a_nested_value_drops_its_sub_lines() {
        let text = "[default]\ns3 =\n  a = 1\nregion = x\n";
        assert_eq!(
            set(text, &profile("default"), &[("s3", Some("flat"))]),
            "[default]\ns3 = flat\nregion = x\n"
        );
    }

    #[test]
    fn untouched_nested_values_keep_their_sub_lines() {
        let text = "[default]\ns3 =\n    a = 1\nregion = x\n";
        assert_eq!(
            set(text, &profile("default"), &[("region", Some("y"))]),
            "[default]\ns3 =\n    a = 1\nregion = y\n"
        );
    }

    #[test]
    fn missing_section_is_appended_without_blank_line() {
        assert_eq!(
            set(
                "[default]\nregion = a\n",
                &profile("dev"),
                &[("region", Some("b"))]
            ),
            "[default]\nregion = a\n[profile dev]\nregion = b\n"
        );
        assert_eq!(
            set(
                "[default]\nregion = a",
                &profile("dev"),
                &[("region", Some("b"))]
            ),
            "[default]\nregion = a\n[profile dev]\nregion = b\n"
        );
        assert_eq!(
            set(
                "[default]\nregion = a\n\n",
                &profile("dev"),
                &[("region", Some("b"))]
            ),
            "[default]\nregion = a\n\n[profile dev]\nregion = b\n"
        );
        // Only deletions for a missing section: nothing to do.
        assert_eq!(
            set("[default]\n", &profile("dev"), &[("region", None)]),
            "[default]\n"
        );
    }

    #[test]
    fn no_trailing_newline_gets_one_only_where_lines_are_added() {
        assert_eq!(
            set(
                "[profile dev]\nregion = a",
                &profile("dev"),
                &[("output", Some("json"))]
            ),
            "[profile dev]\nregion = a\noutput = json\n"
        );
        assert_eq!(
            set(
                "[profile dev]\nregion = a",
                &profile("dev"),
                &[("region", Some("b"))]
            ),
            "[profile dev]\nregion = b"
        );
        assert_eq!(
            set(
                "[profile dev]\nregion = a",
                &profile("dev"),
                &[("region", Some("a"))]
            ),
            "[profile dev]\nregion = a"
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = "[profile dev]\r\nregion=a\r\n\r\n[profile x]\r\nk = v\r\n";
        assert_eq!(
            set(
                text,
                &profile("dev"),
                &[("region", Some("b")), ("output", Some("json"))]
            ),
            "[profile dev]\r\nregion = b\r\noutput = json\r\n\r\n[profile x]\r\nk = v\r\n"
        );
        assert_eq!(
            set(text, &profile("new"), &[("region", Some("c"))]),
            format!("{text}[profile new]\r\nregion = c\r\n")
        );
    }

    #[test]
    fn headers_match_as_the_reader_reads_them() {
        for header in [
            "[profile 'my prof']",
            "[profile \"my prof\"]",
            "  [profile my\\ prof]  ",
        ] {
            let text = format!("{header}\nregion = a\n");
            assert_eq!(
                set(&text, &profile("my prof"), &[("region", Some("b"))]),
                format!("{header}\nregion = b\n"),
                "{header}"
            );
        }
        // A commented-out header is not the section.
        assert_eq!(
            set(
                "# [profile dev]\n",
                &profile("dev"),
                &[("region", Some("b"))]
            ),
            "# [profile dev]\n[profile dev]\nregion = b\n"
        );
        // `[profile default]` is the default profile; the later of the two is the one read.
        assert_eq!(
            set(
                "[default]\nregion = a\n[profile default]\nregion = a\n",
                &profile("default"),
                &[("region", Some("b"))]
            ),
            "[default]\nregion = a\n[profile default]\nregion = b\n"
        );
        // Other kinds with the same name are not it.
        assert_eq!(
            set(
                "[sso-session dev]\nk = v\n",
                &profile("dev"),
                &[("k", Some("w"))]
            ),
            "[sso-session dev]\nk = v\n[profile dev]\nk = w\n"
        );
    }

    #[test]
    fn continuation_lines_are_not_mistaken_for_keys() {
        // `  region = a` continues `note`'s value: it is not the region key.
        let text = "[profile dev]\nnote = one\n  region = a\n";
        assert_eq!(
            set(text, &profile("dev"), &[("region", Some("b"))]),
            "[profile dev]\nnote = one\n  region = a\nregion = b\n"
        );
    }

    /// Found by fuzzing the invariant "an edit of a parseable config still parses": the new
    /// keys went above an indented line, which then read as their continuation.
    #[test]
    fn new_keys_never_capture_the_indented_line_after_them() {
        assert_eq!(
            set(
                "[profile dev]\n [=]\nsso_session=",
                &profile("dev"),
                &[("sso_session", Some("x"))]
            ),
            "[profile dev]\n sso_session = x\n [=]\nsso_session="
        );
    }

    /// Found by fuzzing: a `[DEFAULT]` value is inherited by the section awsso adds, where
    /// it does not parse. No placement helps; the change is refused.
    #[test]
    fn a_new_section_that_would_inherit_a_broken_default_is_refused() {
        let text = "[DEFAULT]\ne=\n y";
        let err = update_text(text, &profile("dev"), &[("sso_session", Some("x"))]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the change to [profile dev] would leave a file that does not parse (line 4: option \"e\" inherited from [DEFAULT]: nested line \"y\" is not key = value)"
        );
    }

    /// splitmix64: a fixed, dependency-free sequence, so every run tests the same configs.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    /// A small config from lines the reader treats specially: headers of every kind
    /// (also `[DEFAULT]`, `[profiles dev]`, `[=]`), keys with either delimiter and empty
    /// values, nested sub-lines, comments and blank lines, each indented or not, `\n` or
    /// `\r\n`, with or without a final line break.
    fn small_config(rng: &mut Rng) -> String {
        const LINES: &[&str] = &[
            "[profile dev]",
            "[profile x]",
            "[default]",
            "[DEFAULT]",
            "[sso-session s]",
            "[services s]",
            "[profiles dev]",
            "[profile 'dev']",
            "[=]",
            "e=",
            "region = a",
            "sso_session=",
            "Region: b",
            "s3 =",
            "k = v",
            "a = 1",
            "y",
            "# c",
            ";",
            "",
        ];
        const INDENTS: &[&str] = &["", "", "", " ", "  ", "\t"];
        let eol = if rng.below(8) == 0 { "\r\n" } else { "\n" };
        let count = 1 + rng.below(5);
        let mut text = String::new();
        for i in 0..count {
            text.push_str(rng.pick(INDENTS));
            text.push_str(rng.pick(LINES));
            if i + 1 < count || rng.below(3) != 0 {
                text.push_str(eol);
            }
        }
        text
    }

    /// The property the writer promises: an edit of a config that parses still parses, the
    /// values set read back where they were set, and nothing else reads differently; or the
    /// change is refused. Checked with the reader on thousands of small configs (the fuzz
    /// target checks the same on random ones). The only refusals these lines can cause
    /// come from `[DEFAULT]`, whose values every section inherits.
    #[test]
    fn edits_of_parseable_configs_still_parse_and_read_as_intended() {
        use crate::config::{AwsConfig, Props};
        const TARGETS: &[(SectionKind, &str)] = &[
            (SectionKind::Profile, "dev"),
            (SectionKind::Profile, "x"),
            (SectionKind::Profile, "default"),
            (SectionKind::Profile, "new one"),
            (SectionKind::SsoSession, "s"),
        ];
        const KEYS: &[&str] = &["region", "sso_session", "e", "s3", "k", "output"];
        const VALUES: &[&str] = &["v", "", "a b"];
        let mut rng = Rng(11);
        let (mut edited, mut refused) = (0, 0);
        for _ in 0..2000 {
            let text = small_config(&mut rng);
            let Ok(before) = AwsConfig::from_config_text(&text) else {
                continue;
            };
            let (kind, name) = TARGETS[rng.below(TARGETS.len())];
            let section = SectionRef {
                kind,
                name: name.to_owned(),
            };
            let mut values: Vec<(&str, Option<&str>)> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let key = rng.pick(KEYS);
                if values.iter().all(|(k, _)| *k != key) {
                    let value = (rng.below(5) != 0).then(|| rng.pick(VALUES));
                    values.push((key, value));
                }
            }
            let case = format!("{text:?} {section:?} {values:?}");
            let after = match update_text(&text, &section, &values) {
                Ok(after) => after,
                Err(e) => {
                    assert!(text.contains("[DEFAULT]"), "{case}: refused: {e}");
                    refused += 1;
                    continue;
                }
            };
            edited += 1;
            let after = AwsConfig::from_config_text(&after)
                .unwrap_or_else(|e| panic!("{case}: the result {after:?} does not parse: {e}"));
            let pick = |config: &AwsConfig| -> [IndexMapOf; 3] {
                [
                    config.profiles.clone(),
                    config.sso_sessions.clone(),
                    config.services.clone(),
                ]
            };
            let (mut before, after) = (pick(&before), pick(&after));
            let index = if kind == SectionKind::Profile { 0 } else { 1 };
            let was = before[index].shift_remove(name);
            let mut now = after.clone();
            let got = now[index].shift_remove(name);
            // Everything else reads as before.
            assert_eq!(now, before, "{case}");
            let Some(got) = got else {
                // Only deletions in a section that is not there change nothing.
                assert!(
                    was.is_none() && values.iter().all(|(_, v)| v.is_none()),
                    "{case}: no section in {after:?}"
                );
                continue;
            };
            let got: Props = got;
            for (key, value) in &values {
                match value {
                    Some(value) => assert_eq!(
                        got.get(*key).and_then(|v| v.as_str()),
                        Some(*value),
                        "{case}: {key} in {got:?}"
                    ),
                    // A deleted key may still be inherited from [DEFAULT].
                    None => assert!(
                        !got.contains_key(*key) || text.contains("[DEFAULT]"),
                        "{case}: {key} still in {got:?}"
                    ),
                }
            }
            for (key, value) in &got {
                if values.iter().any(|(k, _)| k == key) {
                    continue;
                }
                match &was {
                    Some(was) => assert_eq!(was.get(key), Some(value), "{case}: {key}"),
                    None => assert!(text.contains("[DEFAULT]"), "{case}: {key} from nowhere"),
                }
            }
        }
        assert!(edited > 800, "only {edited} configs edited");
        assert!(refused * 20 < edited, "{refused} refused of {edited}");
    }

    type IndexMapOf = crate::config::Sections;

    /// The check that guards every write, on results the writer itself never makes: each
    /// way an edit can go wrong is caught, and names the change.
    #[test]
    fn the_check_catches_results_that_read_wrong() {
        let before = "[DEFAULT]\nk = 1\n[profile dev]\nregion = a\n[profile x]\noutput = json\n";
        let layers = parse::parse_layers(before).unwrap();
        let updates = vec![(profile("dev"), vec![("region", Some("b"))])];
        let consequence =
            |after: &str| check(&layers, after, &updates).err().map(|e| e.consequence);
        let good = "[DEFAULT]\nk = 1\n[profile dev]\nregion = b\n[profile x]\noutput = json\n";
        assert_eq!(consequence(good), None);
        for (after, expected) in [
            (
                "[DEFAULT]\nk = 1\n[profile dev]\nregion = b\n[profile x]\noutput = json\noutput = x\n",
                "leave a file that does not parse (line 7: option \"output\" already exists in this section)",
            ),
            (
                "[DEFAULT]\nk = 2\n[profile dev]\nregion = b\n[profile x]\noutput = json\n",
                "change [DEFAULT]",
            ),
            (
                "[DEFAULT]\nk = 1\n[profile dev]\nregion = a\n[profile x]\noutput = json\n",
                "make [profile dev] read region as \"a\" instead of \"b\"",
            ),
            (
                "[DEFAULT]\nk = 1\n[profile dev]\n[profile x]\noutput = json\nregion = b\n",
                "leave region unset in [profile dev]",
            ),
            (
                "[DEFAULT]\nk = 1\n[profile dev]\nregion = b\n[profile x]\noutput = json\n  [profile y]\n",
                "change what [profile x] reads: output reads \"json\\n[profile y]\" instead of \"json\"",
            ),
            (
                "[DEFAULT]\nk = 1\n[profile dev]\nregion = b\noutput = x\n[profile x]\noutput = json\n",
                "change what [profile dev] reads: output appears",
            ),
            (
                "[DEFAULT]\nk = 1\n[profile dev]\nregion = b\n[profile y]\noutput = json\n",
                "add a section [profile y]",
            ),
            (
                "[DEFAULT]\nk = 1\n[profile dev]\nregion = b\n",
                "lose the section [profile x]",
            ),
        ] {
            assert_eq!(consequence(after).as_deref(), Some(expected), "{after:?}");
        }
    }

    #[test]
    fn newlines_are_rejected() {
        for (section, values) in [
            (profile("a\nb"), vec![("k", Some("v"))]),
            (profile("a"), vec![("k\r", Some("v"))]),
            (profile("a"), vec![("k", Some("v\nw"))]),
        ] {
            let err = update_text("", &section, &values).unwrap_err();
            assert!(
                err.to_string()
                    .ends_with(": newline characters and carriage returns are not allowed"),
                "{err}"
            );
            assert_eq!(Error::from(err).exit_code(), 255);
        }
    }

    /// The golden table `tests/data/config-edit-cases.json`: whole files before and after a
    /// series of updates, showing that untouched bytes stay as they were.
    #[test]
    fn golden_edit_cases() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/config-edit-cases.json"
        );
        let table: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cases = table["cases"].as_array().unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let mut text = case["before"].as_str().unwrap().to_owned();
            for update in case["updates"].as_array().unwrap() {
                let kind = update["section"][0].as_str().unwrap();
                let section_name = update["section"][1].as_str().unwrap();
                let section = match kind {
                    "profile" => SectionRef::profile(section_name),
                    "sso-session" => SectionRef::sso_session(section_name),
                    other => panic!("{name}: unknown section kind {other}"),
                };
                let values: Vec<(&str, Option<&str>)> = update["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|kv| (kv[0].as_str().unwrap(), kv[1].as_str()))
                    .collect();
                match update_text(&text, &section, &values) {
                    Ok(new) => text = new,
                    Err(e) => {
                        assert_eq!(
                            Some(e.to_string().as_str()),
                            case["error"].as_str(),
                            "case: {name}"
                        );
                    }
                }
            }
            // A refused change leaves the text as it was.
            assert_eq!(text, case["after"].as_str().unwrap(), "case: {name}");
            // What we write must read back.
            crate::config::AwsConfig::from_config_text(&text)
                .unwrap_or_else(|e| panic!("case {name}: result does not parse: {e}"));
        }
    }

    fn ctx_for(home: &Path) -> Context {
        let env = crate::context::Env::from_pairs([("HOME", home.display().to_string())]);
        Context::for_tests(env, std::time::SystemTime::UNIX_EPOCH)
    }

    #[cfg(unix)]
    fn mode_of(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn new_file_is_private_and_existing_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx_for(home.path());
        let path = home.path().join("new/.aws/config");
        update_file(
            &ctx,
            &path,
            &[
                (profile("dev"), vec![("sso_session", Some("s"))]),
                (
                    SectionRef::sso_session("s"),
                    vec![("sso_region", Some("us-east-1"))],
                ),
            ],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "[profile dev]\nsso_session = s\n[sso-session s]\nsso_region = us-east-1\n"
        );
        assert_eq!(mode_of(&path), 0o600);
        assert_eq!(mode_of(path.parent().unwrap()), 0o700);
        assert_eq!(mode_of(&home.path().join("new")), 0o700);

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        update_file(
            &ctx,
            &path,
            &[(profile("dev"), vec![("region", Some("x"))])],
        )
        .unwrap();
        assert_eq!(mode_of(&path), 0o644);
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains("sso_session = s\nregion = x\n"));
        // No temp file left behind.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_config_writes_the_target_and_keeps_the_link() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx_for(home.path());
        let dotfiles = home.path().join("dotfiles");
        std::fs::create_dir_all(&dotfiles).unwrap();
        std::fs::write(dotfiles.join("aws-config"), "[default]\nregion = a\n").unwrap();
        std::fs::create_dir_all(home.path().join(".aws")).unwrap();
        let link = home.path().join(".aws/config");
        std::os::unix::fs::symlink("../dotfiles/aws-config", &link).unwrap();
        update_file(
            &ctx,
            &link,
            &[(profile("default"), vec![("region", Some("b"))])],
        )
        .unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_to_string(dotfiles.join("aws-config")).unwrap(),
            "[default]\nregion = b\n"
        );
        // The lock was beside the file written, and is gone with the writer.
        assert_eq!(std::fs::read_dir(&dotfiles).unwrap().count(), 1);
        assert_eq!(
            std::fs::read_dir(home.path().join(".aws")).unwrap().count(),
            1
        );
    }

    #[test]
    fn a_path_that_is_not_a_regular_file_is_refused() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx_for(home.path());
        let dir = home.path().join("config");
        std::fs::create_dir(&dir).unwrap();
        let err = update_file(
            &ctx,
            &dir,
            &[(profile("default"), vec![("region", Some("a"))])],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "Unable to write the config file {}: it is not a regular file",
                dir.display()
            )
        );
        assert_eq!(err.exit_code(), 255);
        assert!(dir.is_dir());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_refused_change_leaves_the_file_byte_identical() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx_for(home.path());
        let path = home.path().join("config");
        let text = "[DEFAULT]\ne=\n y";
        std::fs::write(&path, text).unwrap();
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let err = update_file(
            &ctx,
            &path,
            &[
                (
                    SectionRef::sso_session("s"),
                    vec![("sso_region", Some("us-east-1"))],
                ),
                (profile("dev"), vec![("sso_session", Some("s"))]),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "Unable to write the config file {}: the change to [sso-session s] would leave a file that does not parse (line 4: option \"e\" inherited from [DEFAULT]: nested line \"y\" is not key = value); the file was left unchanged",
                path.display()
            )
        );
        assert_eq!(err.exit_code(), 255);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            modified
        );
        assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 1);
    }

    /// The writer edits only what the reader accepts: a file that no longer parses when
    /// it is written is the reader's error, and stays as it is.
    #[test]
    fn an_unparseable_file_is_not_edited() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx_for(home.path());
        let path = home.path().join("config");
        let text = "[default]\nregion = a\nregion = b\n";
        std::fs::write(&path, text).unwrap();
        let err = update_file(
            &ctx,
            &path,
            &[(profile("dev"), vec![("region", Some("c"))])],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Unable to parse config file: {}", path.display())
        );
        assert_eq!(err.exit_code(), 255);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn unchanged_file_is_not_rewritten() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx_for(home.path());
        let path = home.path().join("config");
        std::fs::write(&path, "[default]\nregion=a\n").unwrap();
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        update_file(
            &ctx,
            &path,
            &[(profile("default"), vec![("region", Some("a"))])],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "[default]\nregion=a\n"
        );
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );
    }
}
