//! Prints service responses exactly as AWS CLI v2 does: `--output json | text | table |
//! yaml | yaml-stream | off`, after `--query` (JMESPath). Every command that prints a
//! response goes through [`Formatter`].
//!
//! ```text
//! let formatter = session.formatter()?;                               // --output, --query, --color
//! formatter.print(ctx, "GetCallerIdentity", &response)?;               // one response
//! formatter.print_pages(ctx, "ListAccounts", &pages, &merged)?;        // a paginated one
//! ```
//!
//! * `response` is the operation's output as a `serde_json::Value` object with keys in
//!   service-model order (json keeps that order; text, table and yaml sort keys, as v2).
//!   A top-level `ResponseMetadata` is dropped, as v2 does.
//! * `operation` is the API operation name (`GetCallerIdentity`, `ListAccounts`): the table
//!   title.
//! * For paginated operations, `pages` are the page responses as botocore's `PageIterator`
//!   yields them (already truncated for `--max-items`), and `merged` is
//!   `build_full_result()`: the result keys concatenated across pages, plus `NextToken`
//!   when `--max-items` stopped early. json, table and yaml print `merged`; text prints
//!   each page's result keys separately (so `--query` applies per page) and then the
//!   `NextToken`; yaml-stream prints each page as its own one-item list.
//! * `print`/`print_pages` write to `ctx`'s stdout; `format`/`format_pages` return the
//!   bytes instead. `Err` is a `--query` that failed while searching (unknown function,
//!   wrong types) or a shape v2's formatter itself chokes on: v2 reports those as general
//!   errors (255), after whatever its streaming text formatter had already written (which
//!   `print` writes too and `format` drops). A `--query` that does not compile is caught
//!   earlier, by [`Query::parse`] (252) when `settings::Session::formatter` builds one.
//!
//! What v2 does that is kept on purpose: json of `{}` prints nothing but of `[]`/`null`
//! prints them; text prints `None` for null and joins lists with tabs; a scalar in table
//! output prints only the title box; a falsy result (0, "", false) prints no table.
//! The terminal width for tables comes from the terminal stdout is (ioctl), 80 when stdout
//! is not a terminal; like v2, `COLUMNS` is not consulted.

pub mod jmespath;

mod table;
mod text;
mod yaml;

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::cli::OutputFormat;
use crate::context::Context;
use crate::error::{Error, Result};

/// Why a `--query` failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// An expression that does not compile: v2's `ParamValidation` (252).
    #[error("Bad value for --query {expr}: {reason}")]
    BadValue {
        expr: String,
        reason: jmespath::JmesError,
    },
    /// An error while searching (unknown function, wrong types): v2's general error (255)
    /// with jmespath's message.
    #[error("{0}")]
    Search(jmespath::JmesError),
}

impl From<QueryError> for Error {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::BadValue { .. } => Error::ParamValidation(Box::new(e)),
            QueryError::Search(_) => Error::Other(Box::new(e)),
        }
    }
}

/// A compiled `--query` expression.
#[derive(Clone, Debug)]
pub struct Query {
    expression: jmespath::Expression,
}

impl Query {
    /// Compiles `expr`; a bad one is v2's
    /// `An error occurred (ParamValidation): Bad value for --query EXPR: <jmespath error>`
    /// (exit 252).
    pub fn parse(expr: &str) -> Result<Query> {
        let expression =
            jmespath::Expression::compile(expr).map_err(|reason| QueryError::BadValue {
                expr: expr.to_owned(),
                reason,
            })?;
        Ok(Query { expression })
    }

    /// Searches `value`; errors are v2's general errors (255) with jmespath's message.
    pub fn search(&self, value: &Value) -> Result<Value> {
        Ok(self.expression.search(value).map_err(QueryError::Search)?)
    }
}

/// How a command prints its response, settled once from flags, environment and profile.
#[derive(Clone, Debug)]
pub struct Formatter {
    pub format: OutputFormat,
    pub query: Option<Query>,
    /// Table colours (`--color on`, or `auto` with stdout on a terminal).
    pub color: bool,
    /// Terminal columns for tables.
    pub width: usize,
}

/// The width v2 assumes when stdout is not a terminal (`determine_terminal_width`).
pub const DEFAULT_WIDTH: usize = 80;

/// Result keys of the paginated operations awsso prints (botocore's
/// `sso/2019-06-10/paginators-1.json`).
fn result_keys(operation: &str) -> Option<&'static [&'static str]> {
    match operation {
        "ListAccounts" => Some(&["accountList"]),
        "ListAccountRoles" => Some(&["roleList"]),
        _ => None,
    }
}

impl Formatter {
    /// A formatter with no query, no colour and an 80-column terminal.
    pub fn new(format: OutputFormat) -> Formatter {
        Formatter {
            format,
            query: None,
            color: false,
            width: DEFAULT_WIDTH,
        }
    }

    /// The value `--query` selects; without one, the value itself (not copied).
    fn apply_query<'v>(&self, value: Cow<'v, Value>) -> Result<Cow<'v, Value>> {
        match &self.query {
            Some(query) => query.search(&value).map(Cow::Owned),
            None => Ok(value),
        }
    }

    /// One (non-paginated) response, as the bytes to write. On error, output v2 would
    /// already have written is dropped; [`Formatter::print`] keeps it.
    pub fn format(&self, operation: &str, response: &Value) -> Result<String> {
        into_result(self.render(operation, response))
    }

    /// A paginated response: `pages` as the paginator yielded them, `merged` their
    /// `build_full_result()`.
    pub fn format_pages(&self, operation: &str, pages: &[Value], merged: &Value) -> Result<String> {
        into_result(self.render_pages(operation, pages, merged))
    }

    /// Writes one response to stdout. Like v2's streaming text formatter, what was
    /// formatted before a failing `--query` or an unprintable shape stays written.
    pub fn print(&self, ctx: &Context, operation: &str, response: &Value) -> Result<()> {
        print_rendered(ctx, self.render(operation, response))
    }

    /// Writes a model of awsso's own (`sso status`) to stdout. json without `--query` is
    /// written straight from it, as Python's `json.dumps` writes it
    /// ([`crate::python::json::output_json`]); every other format, and any query, works on the
    /// `Value` it serializes to, as [`Formatter::print`] does. A model has no
    /// `ResponseMetadata` to drop.
    pub fn print_serialize<T: serde::Serialize>(
        &self,
        ctx: &Context,
        operation: &str,
        model: &T,
    ) -> Result<()> {
        let not_json = |e: serde_json::Error| Error::Other(e.into());
        if self.format != OutputFormat::Json || self.query.is_some() {
            return self.print(
                ctx,
                operation,
                &serde_json::to_value(model).map_err(not_json)?,
            );
        }
        let mut text = crate::python::json::output_json(model).map_err(not_json)?;
        // As `format_buffered`: an empty object prints nothing.
        if text != "{}" {
            text.push('\n');
            ctx.out(&text);
        }
        Ok(())
    }

    /// Writes a paginated response to stdout (see [`Formatter::print`]).
    pub fn print_pages(
        &self,
        ctx: &Context,
        operation: &str,
        pages: &[Value],
        merged: &Value,
    ) -> Result<()> {
        print_rendered(ctx, self.render_pages(operation, pages, merged))
    }

    fn render(&self, operation: &str, response: &Value) -> (String, Result<()>) {
        let response = without_response_metadata(response);
        let mut out = String::new();
        let result = match self.format {
            OutputFormat::Off => Ok(()),
            OutputFormat::Text => self
                .apply_query(response)
                .and_then(|result| Ok(text::format(&result, &mut out)?)),
            OutputFormat::YamlStream => self.apply_query(response).map(|result| {
                if !is_empty_object(&result) {
                    out.push_str(&yaml::dump(&Value::Array(vec![result.into_owned()])));
                }
            }),
            _ => self
                .format_buffered(operation, response)
                .map(|text| out = text),
        };
        (out, result)
    }

    fn render_pages(
        &self,
        operation: &str,
        pages: &[Value],
        merged: &Value,
    ) -> (String, Result<()>) {
        let mut out = String::new();
        let result = match self.format {
            OutputFormat::Off => Ok(()),
            OutputFormat::Text => self.text_pages(operation, pages, merged, &mut out),
            OutputFormat::YamlStream => pages.iter().try_for_each(|page| {
                let result = self.apply_query(without_response_metadata(page))?;
                out.push_str(&yaml::dump(&Value::Array(vec![result.into_owned()])));
                Ok(())
            }),
            _ => self
                .format_buffered(operation, without_response_metadata(merged))
                .map(|text| out = text),
        };
        (out, result)
    }

    /// v2's `TextFormatter` on a paginator: each page's result keys (and query) on their
    /// own, then the resume token.
    fn text_pages(
        &self,
        operation: &str,
        pages: &[Value],
        merged: &Value,
        out: &mut String,
    ) -> Result<()> {
        let keys: Vec<String> = match result_keys(operation) {
            Some(keys) => keys.iter().map(|k| (*k).to_owned()).collect(),
            None => merged
                .as_object()
                .map(|m| m.keys().filter(|k| *k != "NextToken").cloned().collect())
                .unwrap_or_default(),
        };
        for page in pages {
            let mut current = Map::new();
            for key in &keys {
                current.insert(key.clone(), page.get(key).cloned().unwrap_or(Value::Null));
            }
            text::format(&*self.apply_query(Cow::Owned(Value::Object(current)))?, out)?;
        }
        if let Some(token) = merged.get("NextToken") {
            let resume = serde_json::json!({"NextToken": {"NextToken": token}});
            text::format(&*self.apply_query(Cow::Owned(resume))?, out)?;
        }
        Ok(())
    }

    /// v2's `FullyBufferedFormatter`s: json, table, yaml on the whole result.
    fn format_buffered(&self, operation: &str, response: Cow<'_, Value>) -> Result<String> {
        let result = self.apply_query(response)?;
        Ok(match self.format {
            OutputFormat::Json if is_empty_object(&result) => String::new(),
            OutputFormat::Json => {
                let mut text = crate::python::json_indented(&result);
                text.push('\n');
                text
            }
            OutputFormat::Table => table::format(operation, &result, self.width, self.color)?,
            OutputFormat::Yaml if is_empty_object(&result) => String::new(),
            OutputFormat::Yaml => yaml::dump(&result),
            OutputFormat::Text | OutputFormat::YamlStream | OutputFormat::Off => {
                unreachable!("handled by the callers")
            }
        })
    }
}

fn into_result((out, result): (String, Result<()>)) -> Result<String> {
    result.map(|()| out)
}

fn print_rendered(ctx: &Context, (out, result): (String, Result<()>)) -> Result<()> {
    if !out.is_empty() {
        ctx.out(&out);
    }
    result
}

fn is_empty_object(value: &Value) -> bool {
    matches!(value, Value::Object(m) if m.is_empty())
}

/// The response without `ResponseMetadata`, copied only when it has one.
fn without_response_metadata(value: &Value) -> Cow<'_, Value> {
    match value {
        Value::Object(map) if map.contains_key("ResponseMetadata") => {
            let mut map = map.clone();
            map.shift_remove("ResponseMetadata");
            Cow::Owned(Value::Object(map))
        }
        other => Cow::Borrowed(other),
    }
}

/// v2's `determine_terminal_width`: the size of the terminal stdout is, else 80.
pub fn terminal_width(ctx: &Context) -> usize {
    if !ctx.terminal.stdout {
        return DEFAULT_WIDTH;
    }
    match console::Term::stdout().size_checked() {
        Some((_rows, cols)) => cols as usize,
        None => DEFAULT_WIDTH,
    }
}

#[cfg(test)]
mod tests;
