//! The literal parse of an AWS INI file (`~/.aws/config`, `~/.aws/credentials`), following
//! Python's `RawConfigParser` as botocore configures it (`botocore/configloader.py`):
//! `=` or `:` delimiters, keys lower-cased, values stripped, `#`/`;` full-line comments, no
//! inline comments, indented continuation lines, `strict` duplicates, and botocore's nested
//! sub-sections (`s3 =` followed by indented `key = value` lines).
//!
//! The result keeps file order and line numbers. Which profile, sso-session or services
//! section a header names is [`section_of`], botocore's rule, shared by the reader
//! (`config::AwsConfig`) and the writer (`config::edit`).

use std::borrow::Cow;

use compact_str::CompactString;
use indexmap::IndexMap;

/// The hasher of the section maps: foldhash (hashbrown's own default) instead of std's
/// SipHash, which was a tenth of reading a config file. The keys are the user's own file's,
/// so SipHash's resistance to chosen collisions buys nothing here.
pub type FastHash = foldhash::fast::RandomState;

/// A value: a plain string, or a nested sub-section (`s3 =` + indented lines). The rare
/// nested map is boxed so that every plain value stays three words wide. Keys and plain
/// values are `CompactString`s, which keep up to 24 bytes in place: nearly every key and
/// value of a config fits, and allocating each on the heap was a quarter of reading one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Str(CompactString),
    Nested(Box<IndexMap<String, String>>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            Value::Nested(_) => None,
        }
    }
}

/// One `[header]` and its keys, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawSection {
    /// The text between the brackets, as written.
    pub header: String,
    /// 1-based line of the header.
    pub line: usize,
    pub values: IndexMap<CompactString, Value, FastHash>,
}

/// Why a file is not valid AWS INI. v2 shows only `Unable to parse config file: PATH`; the
/// detail is for `--debug` and unit tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses a whole file. configparser's `[DEFAULT]` section is applied to every section, as
/// `cp.options(section)` does in botocore.
pub fn parse(text: &str) -> Result<Vec<RawSection>, ParseError> {
    parse_layers(text)?.inherit()
}

/// A file in configparser's two layers: each section's own options, and those of
/// `[DEFAULT]` (values as joined, not yet read as nested), which every section inherits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layers {
    pub sections: Vec<RawSection>,
    pub defaults: IndexMap<CompactString, CompactString>,
}

impl Layers {
    /// Each section with the `[DEFAULT]` options it does not set itself, as botocore's
    /// `cp.options(section)` and `cp.get` give them: a nested `[DEFAULT]` value that does
    /// not parse is an error in every section that inherits it.
    pub fn inherit(self) -> Result<Vec<RawSection>, ParseError> {
        let Layers {
            mut sections,
            defaults,
        } = self;
        for section in &mut sections {
            for (key, value) in &defaults {
                if !section.values.contains_key(key) {
                    let value = inherited(key, value, section.line)?;
                    section.values.insert(key.clone(), value);
                }
            }
        }
        Ok(sections)
    }

    /// The error [`Layers::inherit`] would give, without building its result.
    pub fn check_inherit(&self) -> Result<(), ParseError> {
        for section in &self.sections {
            for (key, value) in &self.defaults {
                if !section.values.contains_key(key) {
                    inherited(key, value, section.line)?;
                }
            }
        }
        Ok(())
    }
}

/// A `[DEFAULT]` value as the section starting at `line` inherits it.
fn inherited(key: &str, value: &str, line: usize) -> Result<Value, ParseError> {
    if !value.starts_with('\n') {
        return Ok(Value::Str(CompactString::from(value)));
    }
    let nested = parse_nested(value, line).map_err(|e| ParseError {
        line: e.line,
        message: format!("option {key:?} inherited from [DEFAULT]: {}", e.message),
    })?;
    Ok(Value::Nested(Box::new(nested)))
}

/// Parses a whole file into its [`Layers`], without applying `[DEFAULT]`.
pub fn parse_layers(text: &str) -> Result<Layers, ParseError> {
    struct Pending {
        key: CompactString,
        /// The value so far: its lines joined with '\n'.
        value: CompactString,
        /// Empty lines seen since the last non-empty one: kept only if more value follows
        /// (configparser strips the end of a joined value).
        empty_lines: usize,
        line: usize,
    }
    let mut sections: Vec<RawSection> = Vec::new();
    let mut defaults: Option<IndexMap<CompactString, CompactString>> = None;
    let mut in_defaults = false;
    // The option whose value is still open for continuation lines (configparser's
    // `optname`), and the indentation of the last non-continuation line.
    let mut pending: Option<Pending> = None;
    let mut indent_level = 0usize;
    let mut seen_headers: std::collections::HashSet<&str, FastHash> = Default::default();

    fn finish(
        pending: &mut Option<Pending>,
        sections: &mut [RawSection],
        defaults: &mut Option<IndexMap<CompactString, CompactString>>,
        in_defaults: bool,
    ) -> Result<(), ParseError> {
        let Some(p) = pending.take() else {
            return Ok(());
        };
        let joined = p.value;
        if in_defaults {
            defaults
                .get_or_insert_with(IndexMap::new)
                .insert(p.key, joined);
            return Ok(());
        }
        let value = if joined.starts_with('\n') {
            Value::Nested(Box::new(parse_nested(&joined, p.line)?))
        } else {
            Value::Str(joined)
        };
        if let Some(section) = sections.last_mut() {
            section.values.insert(p.key, value);
        }
        Ok(())
    }

    for (index, (line, _)) in split_lines(text).enumerate() {
        let lineno = index + 1;
        let stripped = py_strip(line);
        if stripped.starts_with(['#', ';']) {
            // A full-line comment, even inside a value; it does not end the value.
            continue;
        }
        if stripped.is_empty() {
            // An empty line inside a value is kept (empty_lines_in_values=True).
            if let Some(p) = pending.as_mut() {
                p.empty_lines += 1;
            }
            continue;
        }
        let indent = indent_of(line);
        if let Some(p) = pending.as_mut() {
            if indent > indent_level {
                for _ in 0..p.empty_lines {
                    p.value.push('\n');
                }
                p.empty_lines = 0;
                p.value.push('\n');
                p.value.push_str(stripped);
                continue;
            }
        }
        finish(&mut pending, &mut sections, &mut defaults, in_defaults)?;
        indent_level = indent;

        if let Some(header) = section_header(stripped) {
            // configparser's `[DEFAULT]` may appear more than once; its keys merge (a
            // repeated key is still an error, below).
            in_defaults = header == "DEFAULT";
            if in_defaults {
                continue;
            }
            if !seen_headers.insert(header) {
                return Err(ParseError {
                    line: lineno,
                    message: format!("section {header:?} already exists"),
                });
            }
            sections.push(RawSection {
                header: header.to_owned(),
                line: lineno,
                // Room for a profile's usual keys (the hash table has room for seven): with
                // room for eight, its two tables took twice the memory, and sixty sections
                // of the status benchmark's config touched five more pages of heap.
                values: IndexMap::with_capacity_and_hasher(4, FastHash::default()),
            });
            continue;
        }
        if sections.is_empty() && !in_defaults {
            return Err(ParseError {
                line: lineno,
                message: "key outside of any section".into(),
            });
        }
        let Some((key, value)) = split_option(stripped) else {
            return Err(ParseError {
                line: lineno,
                message: "line is neither a section, a comment nor key = value".into(),
            });
        };
        if key.is_empty() {
            return Err(ParseError {
                line: lineno,
                message: "option without a name".into(),
            });
        }
        // configparser's optionxform: str.lower().
        let key = if key.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            CompactString::from(key.to_lowercase())
        } else {
            CompactString::from(key)
        };
        let duplicate = if in_defaults {
            defaults.as_ref().is_some_and(|d| d.contains_key(&key))
        } else {
            sections.last().is_some_and(|s| s.values.contains_key(&key))
        };
        if duplicate {
            return Err(ParseError {
                line: lineno,
                message: format!("option {key:?} already exists in this section"),
            });
        }
        pending = Some(Pending {
            key,
            value: CompactString::from(value),
            empty_lines: 0,
            line: lineno,
        });
    }
    finish(&mut pending, &mut sections, &mut defaults, in_defaults)?;
    Ok(Layers {
        sections,
        defaults: defaults.unwrap_or_default(),
    })
}

/// The kinds of section botocore's `build_profile_map` tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// `[default]` or `[profile NAME]`.
    Profile,
    /// `[sso-session NAME]`.
    SsoSession,
    /// `[services NAME]`.
    Services,
}

/// What botocore's `build_profile_map` makes of a header: a header starting with
/// `profile`, `sso-session` or `services` names a section of that kind when it splits
/// (shell rules) into exactly two words, the second being the name (botocore does not
/// check the first word: `[profiles dev]` is profile `dev`); `[default]` is the default
/// profile; anything else (`[plugins]`, `[profile a b]`) is `None`. The name is borrowed
/// from the header unless quotes or backslashes made it.
pub fn section_of(header: &str) -> Option<(SectionKind, Cow<'_, str>)> {
    let kind = if header.starts_with("profile") {
        SectionKind::Profile
    } else if header.starts_with("sso-session") {
        SectionKind::SsoSession
    } else if header.starts_with("services") {
        SectionKind::Services
    } else if header == "default" {
        return Some((SectionKind::Profile, Cow::Borrowed(header)));
    } else {
        return None;
    };
    // Without quotes or backslashes, shlex's words are the runs between separators, which
    // are ASCII: every run starts and ends on a character boundary.
    let bytes = header.as_bytes();
    if !bytes.iter().any(|b| matches!(b, b'\'' | b'"' | b'\\')) {
        let mut words = bytes
            .split(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .filter(|w| !w.is_empty());
        return match (words.next(), words.next(), words.next()) {
            (Some(_), Some(name), None) => {
                let start = name.as_ptr() as usize - bytes.as_ptr() as usize;
                Some((kind, Cow::Borrowed(&header[start..start + name.len()])))
            }
            _ => None,
        };
    }
    match <[String; 2]>::try_from(shlex_split(header)?) {
        Ok([_, name]) => Some((kind, Cow::Owned(name))),
        Err(_) => None,
    }
}

/// [`section_of`] of a header the caller owns and no longer needs: a borrowed name is cut
/// out of the header's own buffer instead of being copied (a config has a section per
/// profile).
pub fn into_section(mut header: String) -> Option<(SectionKind, String)> {
    let (kind, name) = section_of(&header)?;
    let range = match name {
        Cow::Owned(name) => return Some((kind, name)),
        Cow::Borrowed(name) => {
            let start = name.as_ptr() as usize - header.as_ptr() as usize;
            start..start + name.len()
        }
    };
    header.truncate(range.end);
    header.drain(..range.start);
    Some((kind, header))
}

/// Python's universal newlines, as a file opened in text mode reads: lines end at `\n`,
/// `\r\n` or a lone `\r`. Yields each line without and with its terminator (the last
/// line's terminator may be empty).
pub fn split_lines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = find_either(b'\n', b'\r', rest.as_bytes());
        let (line, terminator, next) = match end {
            None => (rest, "", ""),
            Some(i) if rest[i..].starts_with("\r\n") => {
                (&rest[..i], &rest[i..i + 2], &rest[i + 2..])
            }
            Some(i) => (&rest[..i], &rest[i..i + 1], &rest[i + 1..]),
        };
        rest = next;
        Some((line, terminator))
    })
}

/// The first `a` or `b` in `haystack`. On x86_64 with memchr's SSE2 searcher, which every
/// x86_64 CPU has: `memchr::memchr2` would first ask the CPU for AVX2, and the dozen `cpuid`
/// instructions of that question each leave a virtual machine, a fortieth of a command that
/// makes no request (docs/compatibility.md, "Static binary").
fn find_either(a: u8, b: u8, haystack: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(searcher) = memchr::arch::x86_64::sse2::memchr::Two::new(a, b) {
        return searcher.find(haystack);
    }
    memchr::memchr2(a, b, haystack)
}

/// Python's `str.isspace`: Unicode white space plus the four ASCII separators
/// U+001C..U+001F, which Rust does not count.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()`.
pub fn py_strip(text: &str) -> &str {
    // Most lines start and end with printable ASCII, which is never space.
    let printable = |b: Option<&u8>| b.is_some_and(|b| (b'!'..=b'~').contains(b));
    if printable(text.as_bytes().first()) && printable(text.as_bytes().last()) {
        return text;
    }
    text.trim_matches(is_py_space)
}

/// configparser's indentation: the number of characters before the first non-space one.
pub fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| is_py_space(*c)).count()
}

/// configparser's OPTCRE on a stripped line: the key is everything up to the first `=` or
/// `:` (right-stripped), the value everything after it (stripped). `None` without either.
pub fn split_option(stripped: &str) -> Option<(&str, &str)> {
    // Both delimiters are ASCII, so the byte found starts a character.
    let delim = find_either(b'=', b':', stripped.as_bytes())?;
    let key = &stripped[..delim];
    let key = match key.as_bytes().last() {
        Some(b) if (b'!'..=b'~').contains(b) => key,
        _ => key.trim_end_matches(is_py_space),
    };
    Some((key, py_strip(&stripped[delim + 1..])))
}

/// configparser's SECTCRE `\[(?P<header>.+)\]`, matched at the start of the stripped line;
/// the greedy `.+` runs to the last `]`, so `[a] x` is `a` and `[a]b]` is `a]b`.
pub fn section_header(stripped: &str) -> Option<&str> {
    let rest = stripped.strip_prefix('[')?;
    let close = rest.rfind(']')?;
    let header = &rest[..close];
    (!header.is_empty()).then_some(header)
}

/// botocore's `_parse_nested`: every non-empty line must be `key = value`; keys keep their
/// case, a repeated key replaces the earlier value.
fn parse_nested(value: &str, line: usize) -> Result<IndexMap<String, String>, ParseError> {
    let mut nested = IndexMap::new();
    for inner in value.split('\n').map(py_strip).filter(|l| !l.is_empty()) {
        let Some((k, v)) = inner.split_once('=') else {
            return Err(ParseError {
                line,
                message: format!("nested line {inner:?} is not key = value"),
            });
        };
        nested.insert(py_strip(k).to_owned(), py_strip(v).to_owned());
    }
    Ok(nested)
}

/// Python's `shlex.split` (posix mode, no comments) for section headers (`profile "my
/// prof"`): words separated by space, tab, CR or LF, with single quotes, double quotes
/// (where a backslash escapes only `"` and `\\`) and backslash escapes. `None` where
/// Python raises ValueError (unbalanced quote, trailing backslash).
pub fn shlex_split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => current.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => {
                            let next = chars.next()?;
                            if !matches!(next, '"' | '\\') {
                                current.push('\\');
                            }
                            current.push(next);
                        }
                        c => current.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                current.push(chars.next()?);
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::Str(v.into())
    }

    #[test]
    fn keys_are_lowercased_and_values_stripped() {
        let sections = parse("[default]\nRegion = us-west-2  \nOutput:json\n").unwrap();
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].values["region"], s("us-west-2"));
        assert_eq!(sections[0].values["output"], s("json"));
    }

    #[test]
    fn comments_are_full_line_only() {
        let sections =
            parse("# top\n[profile a]\n; note\n  # indented comment\nsso_session = s1  # note\n")
                .unwrap();
        assert_eq!(sections[0].values["sso_session"], s("s1  # note"));
    }

    #[test]
    fn nested_sub_sections() {
        let sections =
            parse("[default]\ns3 =\n  max_concurrent_requests = 20\n  addressing_style=path\nregion = x\n")
                .unwrap();
        let Value::Nested(n) = &sections[0].values["s3"] else {
            panic!("not nested")
        };
        assert_eq!(n["max_concurrent_requests"], "20");
        assert_eq!(n["addressing_style"], "path");
        assert_eq!(sections[0].values["region"], s("x"));
    }

    #[test]
    fn malformed_nested_line_is_an_error() {
        assert!(parse("[default]\ns3 =\n  nonsense\n").is_err());
    }

    #[test]
    fn continuation_of_a_non_empty_value_joins_lines() {
        let sections = parse("[a]\nk = one\n  two\n").unwrap();
        assert_eq!(sections[0].values["k"], s("one\ntwo"));
    }

    #[test]
    fn duplicates_and_orphans_are_errors() {
        assert_eq!(parse("[a]\n[a]\n").unwrap_err().line, 2);
        assert_eq!(parse("[a]\nk=1\nK=2\n").unwrap_err().line, 3);
        assert_eq!(parse("k = 1\n[a]\n").unwrap_err().line, 1);
        assert_eq!(parse("[a]\njust words\n").unwrap_err().line, 2);
    }

    #[test]
    fn same_name_in_two_sections_is_fine() {
        let sections = parse("[a]\nk=1\n[b]\nk=2\n").unwrap();
        assert_eq!(sections.len(), 2);
    }

    #[test]
    fn default_section_is_inherited() {
        let sections = parse("[DEFAULT]\nregion = eu-west-1\n[a]\n[b]\nregion = x\n").unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].values["region"], s("eu-west-1"));
        assert_eq!(sections[1].values["region"], s("x"));
    }

    #[test]
    fn crlf_files_parse() {
        let sections = parse("[a]\r\nk = v\r\n").unwrap();
        assert_eq!(sections[0].values["k"], s("v"));
    }

    #[test]
    fn headers_name_sections_as_botocore_reads_them() {
        use SectionKind::*;
        for (header, expected) in [
            ("default", Some((Profile, "default"))),
            ("profile default", Some((Profile, "default"))),
            ("profile dev", Some((Profile, "dev"))),
            ("profiles dev", Some((Profile, "dev"))),
            ("profile\t dev ", Some((Profile, "dev"))),
            ("profile é-ü", Some((Profile, "é-ü"))),
            ("profile 'my prof'", Some((Profile, "my prof"))),
            ("sso-session s", Some((SsoSession, "s"))),
            ("services local", Some((Services, "local"))),
            ("profile", None),
            ("profile a b", None),
            ("profile it's", None),
            ("plugins", None),
            ("DEFAULT", None),
            ("Default", None),
        ] {
            let got = section_of(header);
            assert_eq!(
                got.as_ref().map(|(k, n)| (*k, n.as_ref())),
                expected,
                "{header}"
            );
            let owned = into_section(header.to_owned());
            assert_eq!(
                owned.as_ref().map(|(k, n)| (*k, n.as_str())),
                expected,
                "{header}"
            );
        }
    }

    #[test]
    fn a_broken_default_fails_only_where_it_is_inherited() {
        assert!(parse("[DEFAULT]\ne=\n y").unwrap().is_empty());
        let err = parse("[DEFAULT]\ne=\n y\n[a]\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 4: option \"e\" inherited from [DEFAULT]: nested line \"y\" is not key = value"
        );
        // A section that sets the key itself inherits nothing.
        assert!(parse("[DEFAULT]\ne=\n y\n[a]\ne = 1\n").is_ok());
    }

    #[test]
    fn shlex_handles_quotes() {
        assert_eq!(
            shlex_split("profile 'my prof'").unwrap(),
            ["profile", "my prof"]
        );
        assert_eq!(
            shlex_split("profile \"my prof\"").unwrap(),
            ["profile", "my prof"]
        );
        assert_eq!(shlex_split("profile a b").unwrap().len(), 3);
        assert_eq!(shlex_split("profile 'oops"), None);
    }
}
