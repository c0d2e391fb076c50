//! `--output table`: a port of AWS CLI v2's `TableFormatter` (`awscli/formatter.py`) and
//! `MultiTable` (`awscli/table.py`).
//!
//! The builder turns the response into sections (title, sorted headers, rows, indent);
//! the renderer sizes every section to the widest one, scales columns with Python's
//! banker's rounding, and turns single-row sections vertical (header | value) when the
//! table is wider than the terminal. Text width counts East Asian Wide, Fullwidth and
//! Ambiguous characters as two columns, as `get_text_length` does.
//!
//! Colour (`--color on`, or `auto` on a terminal) is colorama's: cells bright blue, the
//! indentation bars dim yellow, and, because v2 writes through colorama's `autoreset`
//! stream wrapper, a reset sequence after every write call. The renderer replays v2's
//! write calls one by one so those resets land where v2 puts them.

use serde_json::Value;

use super::text::python_type;
/// The Python errors v2's `TableFormatter` raises on shapes it cannot lay out (general
/// errors, 255), word for word.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// `table.py`'s `ValueError` for a row that does not fit its section's columns.
    #[error("Row should have {expected} elements, instead it has {got}")]
    RowLength { expected: usize, got: usize },
    /// `IndexError`: a header wider than the rows already added, or a list indexed past
    /// its end.
    #[error("list index out of range")]
    IndexOutOfRange,
    /// `AttributeError`: `.get` called on a list element that is not a dict.
    #[error("'{type_name}' object has no attribute 'get'")]
    NoGet { type_name: &'static str },
    /// `TypeError`: a string indexed with a string key.
    #[error("string indices must be integers, not 'str'")]
    StringIndices,
    /// `TypeError`: a list indexed with something other than an integer.
    #[error("list indices must be integers or slices, not {type_name}")]
    ListIndices { type_name: &'static str },
    /// `TypeError`: integer keys sorted together with string keys.
    #[error("'<' not supported between instances of 'int' and 'str'")]
    IntStrComparison,
    /// `TypeError`: a list element Python cannot iterate.
    #[error("'{type_name}' object is not iterable")]
    NotIterable { type_name: &'static str },
}

impl From<TableError> for crate::error::Error {
    fn from(e: TableError) -> Self {
        crate::error::Error::Other(Box::new(e))
    }
}

type Result<T, E = TableError> = std::result::Result<T, E>;
use crate::python;
use crate::python::unicode_tables::is_double_width;

const RESET_ALL: &str = "\x1b[0m";
const ROW_STYLE: &str = "\x1b[1m\x1b[34m";
const INDENT_STYLE: &str = "\x1b[2m\x1b[33m";

/// `get_text_length`: display columns, two for W/F/A characters.
fn text_length(text: &str) -> i64 {
    text.chars()
        .map(|c| if is_double_width(c) { 2 } else { 1 })
        .sum()
}

fn spaces(n: i64) -> String {
    " ".repeat(n.max(0) as usize)
}

fn dashes(n: i64) -> String {
    "-".repeat(n.max(0) as usize)
}

#[derive(Debug, Default)]
struct Section {
    /// `None` only where v2 passes `title=None` (it then measures as the 4 letters of
    /// `str(None)` but is not drawn).
    title: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent_level: i64,
    num_cols: Option<usize>,
    max_widths: Vec<i64>,
}

impl Section {
    fn title_length(&self) -> i64 {
        match &self.title {
            Some(title) => text_length(title),
            None => 4,
        }
    }

    fn add_header(&mut self, headers: Vec<String>) -> Result<()> {
        self.update_max_widths(&headers)?;
        if self.num_cols.is_none() {
            self.num_cols = Some(headers.len());
        }
        self.headers = headers;
        Ok(())
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<()> {
        let expected = *self.num_cols.get_or_insert(row.len());
        if row.len() != expected {
            return Err(TableError::RowLength {
                expected,
                got: row.len(),
            });
        }
        self.update_max_widths(&row)?;
        self.rows.push(row);
        Ok(())
    }

    fn update_max_widths(&mut self, row: &[String]) -> Result<()> {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|c| text_length(c)).collect();
        } else {
            if row.len() > self.max_widths.len() {
                // A header wider than the rows already added.
                return Err(TableError::IndexOutOfRange);
            }
            for (width, cell) in self.max_widths.iter_mut().zip(row) {
                *width = (*width).max(text_length(cell));
            }
        }
        Ok(())
    }

    /// Column widths with `padding` each, scaled so they add up to `max_width`.
    fn column_widths(&self, padding: i64, max_width: i64) -> Vec<i64> {
        let unscaled: Vec<i64> = self.max_widths.iter().map(|w| w + padding).collect();
        if unscaled.is_empty() {
            return unscaled;
        }
        let scale = max_width as f64 / unscaled.iter().sum::<i64>() as f64;
        // Python's round() rounds halves to even.
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|w| (scale * *w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width;
        while off_by != 0 {
            let order: Vec<usize> = if off_by < 0 {
                (0..scaled.len()).rev().collect()
            } else {
                (0..scaled.len()).collect()
            };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled
    }

    /// `total_width(padding=4, with_border=True, outer_padding=indent_level)`.
    fn total_width(&self) -> i64 {
        let border = 2;
        let outer = self.indent_level;
        let total: i64 = self.max_widths.iter().map(|w| w + 4).sum::<i64>() + border + 2 * outer;
        (self.title_length() + border + 2 * outer).max(total)
    }
}

/// Builds and renders one table.
struct MultiTable {
    sections: Vec<Section>,
}

impl MultiTable {
    fn current(&mut self) -> &mut Section {
        self.sections
            .last_mut()
            .expect("v2 always opens a section before adding to it")
    }

    fn new_section(&mut self, title: Option<&str>, indent_level: i64) {
        self.sections.push(Section {
            title: title.map(str::to_owned),
            indent_level,
            ..Section::default()
        });
    }
}

/// Python truthiness, which decides whether `_build_table` draws anything.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().unwrap_or(0.0) != 0.0,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// `_group_scalar_keys`: sorted keys with scalar values, sorted keys with the others.
fn group_scalar_keys(map: &serde_json::Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let mut headers: Vec<String> = Vec::new();
    let mut more: Vec<String> = Vec::new();
    for (key, value) in map {
        if is_scalar(value) {
            headers.push(key.clone());
        } else {
            more.push(key.clone());
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

impl MultiTable {
    /// `_build_table`: false when there is nothing to draw.
    fn build(&mut self, title: Option<&str>, current: &Value, indent_level: i64) -> Result<bool> {
        if !truthy(current) {
            return Ok(false);
        }
        if title.is_some() {
            self.new_section(title, indent_level);
        }
        match current {
            Value::Array(items) => {
                if items[0].is_object() {
                    self.sub_table_from_list(items, indent_level, title)?;
                } else {
                    for item in items {
                        match item {
                            Value::Array(elements) if elements.iter().all(is_scalar) => {
                                let row = elements.iter().map(python::str).collect();
                                self.current().add_row(row)?;
                            }
                            // Iterating a dict gives its keys, which are all scalars.
                            Value::Object(map) => {
                                let row = map.keys().cloned().collect();
                                self.current().add_row(row)?;
                            }
                            Value::Array(_) => {
                                self.build(None, item, 0)?;
                            }
                            scalar => self.current().add_row(vec![python::str(scalar)])?,
                        }
                    }
                }
            }
            Value::Object(map) => self.sub_table_from_dict(map, indent_level)?,
            _ => {}
        }
        Ok(true)
    }

    fn sub_table_from_dict(
        &mut self,
        map: &serde_json::Map<String, Value>,
        indent_level: i64,
    ) -> Result<()> {
        let (headers, more) = group_scalar_keys(map);
        if headers.len() == 1 {
            let value = python::str(&map[headers[0].as_str()]);
            self.current().add_row(vec![headers[0].clone(), value])?;
        } else if !headers.is_empty() {
            let row = headers
                .iter()
                .map(|k| python::str(&map[k.as_str()]))
                .collect();
            self.current().add_header(headers)?;
            self.current().add_row(row)?;
        }
        for remaining in more {
            self.build(Some(&remaining), &map[remaining.as_str()], indent_level + 1)?;
        }
        Ok(())
    }

    fn sub_table_from_list(
        &mut self,
        items: &[Value],
        indent_level: i64,
        title: Option<&str>,
    ) -> Result<()> {
        let (headers, more) = group_scalar_keys_from_list(items)?;
        self.current().add_header(headers.clone())?;
        for (i, element) in items.iter().enumerate() {
            if i > 0 && !more.is_empty() {
                self.new_section(title, indent_level);
                self.current().add_header(headers.clone())?;
            }
            let Value::Object(map) = element else {
                // Only "" and [] get this far (see group_scalar_keys_from_list); Python
                // calls `.get` on them once per header, then tests `key in element`.
                if !headers.is_empty() {
                    return Err(TableError::NoGet {
                        type_name: python_type(element),
                    });
                }
                self.current().add_row(Vec::new())?;
                if element.is_string() && more.iter().any(String::is_empty) {
                    return Err(TableError::StringIndices);
                }
                continue;
            };
            let row = headers
                .iter()
                .map(|h| map.get(h).map(python::str).unwrap_or_default())
                .collect();
            self.current().add_row(row)?;
            for remaining in &more {
                if let Some(value) = map.get(remaining) {
                    self.build(Some(remaining), value, indent_level + 1)?;
                }
            }
        }
        Ok(())
    }
}

/// `_group_scalar_keys_from_list`, with the errors Python raises for elements that are not
/// dicts.
fn group_scalar_keys_from_list(items: &[Value]) -> Result<(Vec<String>, Vec<String>)> {
    let mut headers: Vec<String> = Vec::new();
    let mut more: Vec<String> = Vec::new();
    for item in items {
        match item {
            Value::Object(map) => {
                let (h, m) = group_scalar_keys(map);
                for key in h {
                    if !headers.contains(&key) {
                        headers.push(key);
                    }
                }
                for key in m {
                    if !more.contains(&key) {
                        more.push(key);
                    }
                }
            }
            Value::String(s) if s.is_empty() => {}
            Value::Array(a) if a.is_empty() => {}
            Value::String(_) => return Err(TableError::StringIndices),
            // Python iterates the list and indexes it with each element.
            Value::Array(elements) => {
                for element in elements {
                    let index = match element {
                        Value::Bool(b) => i64::from(*b),
                        Value::Number(n) if !n.is_f64() => n.as_i64().unwrap_or(i64::MAX),
                        other => {
                            return Err(TableError::ListIndices {
                                type_name: python_type(other),
                            })
                        }
                    };
                    let len = elements.len() as i64;
                    if index >= len || index < -len {
                        return Err(TableError::IndexOutOfRange);
                    }
                }
                // Integer keys then meet the string keys in sort().
                return Err(TableError::IntStrComparison);
            }
            other => {
                return Err(TableError::NotIterable {
                    type_name: python_type(other),
                })
            }
        }
    }
    headers.sort();
    more.sort();
    Ok((headers, more))
}

/// `center_text`.
fn center_text(
    text: &str,
    length: i64,
    left_edge: &str,
    right_edge: &str,
    text_len: i64,
) -> String {
    let char_start = length.div_euclid(2) - text_len.div_euclid(2) - 1;
    let length_so_far = left_edge.len() as i64 + char_start + text_len;
    let right_side_spaces = length - right_edge.len() as i64 - length_so_far;
    format!(
        "{left_edge}{}{text}{}{right_edge}",
        spaces(char_start),
        spaces(right_side_spaces)
    )
}

/// `align_left` with two spaces of left padding when there is room.
fn align_left(text: &str, length: i64, left_edge: &str, right_edge: &str, text_len: i64) -> String {
    let computed = text_len + 2 + left_edge.len() as i64 + right_edge.len() as i64;
    let padding = if length - computed >= 0 { 2 } else { 0 };
    let length_so_far = left_edge.len() as i64 + padding + text_len;
    format!(
        "{left_edge}{}{text}{}{right_edge}",
        spaces(padding),
        spaces(length - length_so_far - right_edge.len() as i64)
    )
}

/// The output stream as v2 sees it: with colour, colorama's autoreset wrapper appends a
/// reset after every write call.
struct Sink {
    out: String,
    autoreset: bool,
}

impl Sink {
    fn write(&mut self, text: &str) {
        self.out.push_str(text);
        if self.autoreset {
            self.out.push_str(RESET_ALL);
        }
    }

    /// `IndentedStream.write`.
    fn indented(&mut self, indent_level: i64, indent_char: &str, text: &str) {
        let bars = indent_char.repeat(indent_level.max(0) as usize);
        self.write(&bars);
        match text.strip_suffix('\n') {
            Some(line) => {
                self.write(line);
                self.write(&bars);
                self.write("\n");
            }
            None => self.write(text),
        }
    }
}

/// `convert_to_vertical_table`: single-row sections become header/value rows.
fn convert_to_vertical(sections: &mut [Section]) {
    for section in sections.iter_mut() {
        if section.rows.len() == 1 && !section.headers.is_empty() {
            let mut vertical = Section {
                title: section.title.take(),
                indent_level: section.indent_level,
                ..Section::default()
            };
            let headers = std::mem::take(&mut section.headers);
            let row = std::mem::take(&mut section.rows[0]);
            for (header, element) in headers.into_iter().zip(row) {
                vertical
                    .add_row(vec![header, element])
                    .expect("two cells per row");
            }
            *section = vertical;
        }
    }
}

fn line_break(sink: &mut Sink, indent: i64, indent_char: &str, widths: &[i64]) {
    let mut line = String::new();
    for (i, width) in widths.iter().enumerate() {
        if i == 0 {
            line.push('+');
            line.push_str(&dashes(width - 2));
            line.push('+');
        } else {
            line.push_str(&dashes(width - 1));
            line.push('+');
        }
    }
    line.push('\n');
    sink.indented(indent, indent_char, &line);
}

fn render(mut sections: Vec<Section>, terminal_width: i64, color: bool) -> String {
    let max_width_of =
        |sections: &[Section]| sections.iter().map(Section::total_width).max().unwrap_or(0);
    let mut max_width = max_width_of(&sections);
    if max_width > terminal_width {
        convert_to_vertical(&mut sections);
        max_width = max_width_of(&sections);
    }
    let indent_char = if color {
        format!("{INDENT_STYLE}|{RESET_ALL}")
    } else {
        "|".to_owned()
    };
    let mut sink = Sink {
        out: String::new(),
        autoreset: color,
    };
    sink.write(&format!("{}\n", dashes(max_width)));
    for section in &sections {
        let indent = section.indent_level;
        let width = max_width - indent * 2;
        if let Some(title) = section.title.as_deref().filter(|t| !t.is_empty()) {
            let line = center_text(title, width, "|", "|", text_length(title));
            sink.indented(indent, &indent_char, &format!("{line}\n"));
            if section.headers.is_empty() && section.rows.is_empty() {
                sink.indented(indent, &indent_char, &format!("+{}+\n", dashes(width - 2)));
            }
        }
        if !section.headers.is_empty() {
            let widths = section.column_widths(4, width);
            let mut line = String::new();
            for (i, (w, header)) in widths.iter().zip(&section.headers).enumerate() {
                let left = if i == 0 { "|" } else { "" };
                line.push_str(&center_text(header, *w, left, "|", text_length(header)));
            }
            line_break(&mut sink, indent, &indent_char, &widths);
            sink.indented(indent, &indent_char, &format!("{line}\n"));
        }
        if !section.rows.is_empty() {
            let widths = section.column_widths(4, width);
            if widths.is_empty() {
                continue;
            }
            line_break(&mut sink, indent, &indent_char, &widths);
            for row in &section.rows {
                let mut line = String::new();
                for (i, (w, cell)) in widths.iter().zip(row).enumerate() {
                    let left = if i == 0 { "|" } else { "" };
                    let styled = if color {
                        format!("{ROW_STYLE}{cell}{RESET_ALL}")
                    } else {
                        cell.clone()
                    };
                    line.push_str(&align_left(&styled, *w, left, "|", text_length(cell)));
                }
                sink.indented(indent, &indent_char, &format!("{line}\n"));
            }
            line_break(&mut sink, indent, &indent_char, &widths);
        }
    }
    sink.out
}

/// The table for `value` under `title` (the operation name), or nothing when v2 draws
/// nothing (a falsy value: null, false, 0, "", [], {}).
pub fn format(title: &str, value: &Value, terminal_width: usize, color: bool) -> Result<String> {
    let mut table = MultiTable {
        sections: Vec::new(),
    };
    if !table.build(Some(title), value, 0)? {
        return Ok(String::new());
    }
    Ok(render(table.sections, terminal_width as i64, color))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(value: Value) -> String {
        format("GetCallerIdentity", &value, 80, false).unwrap()
    }

    #[test]
    fn a_narrow_dict_is_horizontal() {
        let out = table(json!({
            "UserId": "AROAXYZ:u",
            "Account": "123456789012",
            "Arn": "arn:aws:sts::123456789012:assumed-role/R/u"
        }));
        assert_eq!(
            out,
            "\
-----------------------------------------------------------------------------
|                             GetCallerIdentity                             |
+--------------+----------------------------------------------+-------------+
|    Account   |                     Arn                      |   UserId    |
+--------------+----------------------------------------------+-------------+
|  123456789012|  arn:aws:sts::123456789012:assumed-role/R/u  |  AROAXYZ:u  |
+--------------+----------------------------------------------+-------------+
"
        );
    }

    #[test]
    fn a_wide_dict_turns_vertical() {
        let out = table(json!({
            "UserId": "AROAEXAMPLEEXAMPLE:jane@example.com",
            "Account": "111122223333",
            "Arn": "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane@example.com"
        }));
        assert_eq!(
            out,
            "\
----------------------------------------------------------------------------------------------------------------------------
|                                                     GetCallerIdentity                                                    |
+---------+----------------------------------------------------------------------------------------------------------------+
|  Account|  111122223333                                                                                                  |
|  Arn    |  arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane@example.com   |
|  UserId |  AROAEXAMPLEEXAMPLE:jane@example.com                                                                           |
+---------+----------------------------------------------------------------------------------------------------------------+
"
        );
    }

    #[test]
    fn a_scalar_prints_only_the_title_box() {
        assert_eq!(
            table(json!("123456789012")),
            "-------------------\n|GetCallerIdentity|\n+-----------------+\n"
        );
        assert_eq!(table(json!(0)), "");
        assert_eq!(table(json!({})), "");
        assert_eq!(table(json!(null)), "");
    }

    #[test]
    fn lists_of_dicts_nest_with_indentation() {
        let out = format(
            "ListAccounts",
            &json!({"accountList": [
                {"accountId": "111122223333", "accountName": "Development", "emailAddress": "dev@example.com"},
                {"accountId": "444455556666", "accountName": "Production", "emailAddress": "prod@example.com"}
            ]}),
            80,
            false,
        )
        .unwrap();
        assert_eq!(
            out,
            "\
-------------------------------------------------------
|                    ListAccounts                     |
+-----------------------------------------------------+
||                    accountList                    ||
|+--------------+---------------+--------------------+|
||   accountId  |  accountName  |   emailAddress     ||
|+--------------+---------------+--------------------+|
||  111122223333|  Development  |  dev@example.com   ||
||  444455556666|  Production   |  prod@example.com  ||
|+--------------+---------------+--------------------+|
"
        );
    }

    #[test]
    fn colour_wraps_cells_and_bars_and_resets_after_each_write() {
        // Bytes from AWS CLI's TableFormatter with --color on writing to a pipe.
        let out = format("T", &json!({"a": "x"}), 80, true).unwrap();
        assert_eq!(
            out,
            "------------\n\x1b[0m\x1b[0m|     T    |\x1b[0m\x1b[0m\n\x1b[0m\x1b[0m+----+-----+\x1b[0m\x1b[0m\n\x1b[0m\x1b[0m|  \x1b[1m\x1b[34ma\x1b[0m |  \x1b[1m\x1b[34mx\x1b[0m  |\x1b[0m\x1b[0m\n\x1b[0m\x1b[0m+----+-----+\x1b[0m\x1b[0m\n\x1b[0m"
        );
    }

    #[test]
    fn ragged_rows_fail_like_python() {
        let err = format("T", &json!([["a", "b"], ["c"]]), 80, false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Row should have 2 elements, instead it has 1"
        );
    }
}
