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
//! - A value that does not change keeps its line byte for byte (v2 would rewrite it as
//!   `key = value`; awsso does not: docs/compatibility.md, "Config writes").
//! - A changed value is rewritten in place as `key = value`, keeping the line's indentation
//!   and line ending; continuation/sub-property lines of the old value go with it.
//! - New keys go right after the section's last key line and its indented sub-lines, not
//!   after trailing comments or blank lines. A section without keys gets them right after
//!   its header.
//! - A missing section is appended at the end, after a line break only if the file lacks a
//!   final one (no blank line is added, as v2).
//! - New lines use the file's line ending (`\r\n` when its first line has one).
//! - Names, keys and values with `\n` or `\r` are rejected, as v2 does.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::parse::{self, py_strip};
use crate::context::Context;
use crate::error::{Error, Result};

/// Which kind of section a [`SectionRef`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// `[default]` or `[profile NAME]`.
    Profile,
    /// `[sso-session NAME]`.
    SsoSession,
}

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
        }
    }

    /// The text between the brackets of a new header, as v2 names it
    /// (`profile_to_section`, `get_section_header`): `default` for the default profile,
    /// `profile NAME`, `sso-session NAME`, the name shell-quoted when it holds a space or a
    /// tab (`profile 'my prof'`).
    pub fn section_name(&self) -> String {
        if self.kind == SectionKind::Profile && self.name == "default" {
            return "default".to_owned();
        }
        format!("{} {}", self.kind_word(), quote_name(&self.name))
    }
}

/// Python's `shlex.quote` for names with a space or tab (v2 quotes only those).
fn quote_name(name: &str) -> String {
    if name.contains([' ', '\t']) {
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
fn blocks(lines: &[Line<'_>], header: usize) -> (Vec<Block>, usize) {
    let mut blocks: Vec<Block> = Vec::new();
    let mut i = header + 1;
    while i < lines.len() {
        match &lines[i].kind {
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
        i += 1;
    }
    (blocks, i)
}

/// Why the writer refused an update.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// A section name, key or value with `\n` or `\r` (v2's `ConfigFileWriter` check).
    #[error("Invalid {what}: newline characters and carriage returns are not allowed")]
    Newline { what: &'static str },
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
) -> Result<String> {
    update_text_all(text, &[(section.clone(), values.to_vec())])
}

/// [`update_text`] for several sections at once, in one scan of the text: writing a
/// thousand profiles (`configure sso --all-roles`) costs one pass, not a thousand. The
/// result is the same as applying the updates one after another.
pub fn update_text_all(text: &str, updates: &[(SectionRef, Updates<'_>)]) -> Result<String> {
    for (section, values) in updates {
        check_no_newlines("section name", &section.name)?;
        for (key, value) in values {
            check_no_newlines("key", key)?;
            if let Some(value) = value {
                check_no_newlines("value", value)?;
            }
        }
    }
    // The one-pass plan below assumes each section is named once; a section named twice
    // (never the case in awsso's own writes) is applied in turn.
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

    let lines = scan(text);
    let eol = lines
        .iter()
        .map(|l| l.terminator)
        .find(|t| !t.is_empty())
        .unwrap_or("\n");

    let header_of = header_lines(&lines, updates.iter().map(|(section, _)| section));

    // Per line: None = keep, Some(text) = replace with text (possibly empty: delete).
    let mut replacement: Vec<Option<String>> = vec![None; lines.len()];
    // Per line: new `key = value` lines to add after it.
    let mut insertions: std::collections::HashMap<usize, Vec<(&str, &str)>> = Default::default();
    let mut appended: Vec<usize> = Vec::new();
    for (update, (_, values)) in updates.iter().enumerate() {
        let Some(header) = header_of[update] else {
            appended.push(update);
            continue;
        };
        let (blocks, _section_end) = blocks(&lines, header);
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
                    Some(value) if single_line && current == value => {}
                    Some(value) => {
                        let line = &lines[block.start];
                        let indent = &line.content[..line.content.len()
                            - line.content.trim_start_matches(parse::is_py_space).len()];
                        // Sub-lines of the old value are dropped below, so the line keeps
                        // its own terminator (none only when it ends the file).
                        let terminator = line.terminator;
                        replacement[block.start] =
                            Some(format!("{indent}{key} = {value}{terminator}"));
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
            // New keys go after the last option's block, or right after the header.
            let insert_after = blocks.last().map_or(header + 1, |b| b.end);
            insertions.insert(insert_after - 1, pending);
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
        if let Some(pending) = insertions.get(&i) {
            if !out.is_empty() && !out.ends_with(['\n', '\r']) {
                out.push_str(eol);
            }
            for (key, value) in pending {
                out.push_str(&format!("{key} = {value}{eol}"));
            }
        }
    }
    for update in appended {
        let (section, values) = &updates[update];
        append_section(&mut out, section, values, eol);
    }
    Ok(out)
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
    let sections: Vec<&SectionRef> = sections.collect();
    let mut header_of: Vec<Option<usize>> = vec![None; sections.len()];
    let by_literal: std::collections::HashMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, section)| (section.section_name(), i))
        .collect();
    let by_words: std::collections::HashMap<(&str, &str), usize> = sections
        .iter()
        .enumerate()
        .map(|(i, section)| ((section.kind_word(), section.name.as_str()), i))
        .collect();
    for (index, line) in lines.iter().enumerate() {
        let Kind::Header(header) = &line.kind else {
            continue;
        };
        let header: &str = header;
        let mut matched = by_literal.get(header).copied();
        if header == "default" {
            matched = matched.or_else(|| by_words.get(&("profile", "default")).copied());
        }
        if matched.is_none() {
            if let Some([kind, name]) = parse::shlex_split(header).as_deref() {
                matched = by_words.get(&(kind.as_str(), name.as_str())).copied();
            }
        }
        if let Some(section) = matched {
            header_of[section] = Some(index);
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
        let (blocks, _) = blocks(&lines, header);
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
/// writes that atomically as [`update_file`] does: only when it changed, keeping the mode,
/// writing a symbolic link's target, creating a missing file 0600. Without `write` nothing is
/// written (`--dry-run`).
pub fn edit_file(
    ctx: &Context,
    path: &Path,
    write: bool,
    edit: impl FnOnce(&str) -> Result<String>,
) -> Result<Edited> {
    let target = resolve_symlinks(path);
    let (before, mode) = match std::fs::read(&target) {
        Ok(bytes) => {
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
/// A missing file is created 0600 (its missing directories 0700); an existing file keeps
/// its mode; when `path` is a symbolic link, the file it points to is written and the link
/// stays. Nothing is written when nothing changes.
pub fn update_file(
    ctx: &Context,
    path: &Path,
    updates: &[(SectionRef, Updates<'_>)],
) -> Result<()> {
    let target = resolve_symlinks(path);
    let (original, mode) = match std::fs::read(&target) {
        Ok(bytes) => {
            let mode = file_mode(&target)?;
            let text = String::from_utf8(bytes).map_err(|_| Error::ConfigParse {
                path: path.to_owned(),
                detail: "not valid UTF-8".into(),
            })?;
            (Some(text), mode)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, 0o600),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    let text = update_text_all(original.as_deref().unwrap_or_default(), updates)?;
    if original.as_deref() == Some(text.as_str()) {
        crate::context::ctx_debug!(ctx, "Config file {} unchanged", path.display());
        return Ok(());
    }
    crate::context::ctx_debug!(ctx, "Writing config file {}", target.display());
    crate::atomic::write(&target, text.as_bytes(), mode)
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
        let text = "# keep\n[default]\nregion=us-east-1\n\n[profile a]\noutput = json\n; note\n[sso-session s]\nsso_region = x\n[profile 'b c']\n[profile it's]\nk = v";
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
            "# keep\n[default]\nregion = eu-west-1\noutput = text\n\n[profile a]\nregion = r\n; note\n[sso-session s]\nsso_region = x\n[profile 'b c']\nregion = q\n[profile it's]\nk = w\n[profile 'new one']\nregion = n\n[sso-session t]\nsso_region = y\n"
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
            assert_eq!(err.exit_code(), 255);
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
                text = update_text(&text, &section, &values).unwrap();
            }
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
