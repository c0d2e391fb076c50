//! How Python spells values, since the AWS CLI and botocore are Python code (their output
//! formatters and the JSON of the caches they share with awsso): `json.dumps`
//! (indented or compact, `ensure_ascii` on or off), `str()` and `repr()`, and float `repr`
//! (`1e+16`, `1.0`, `1e-05`). Numbers keep Python's int/float split: a JSON number written
//! with a fraction or exponent is a float, everything else an int.

pub mod json;
pub mod number;
pub mod repr;
pub mod unicode_tables;

pub use json::{json_compact, json_dumps_indented, json_indented};
pub use number::{float_repr, number};
pub use repr::{repr, str, str_repr};
