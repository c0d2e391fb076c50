//! Output formatting shared by every command: json, text, table, yaml, yaml-stream and off,
//! and `--query` (JMESPath), byte-identical to AWS CLI v2's formatters.
