//! The byte-preserving writer for `~/.aws/config` (used by `configure sso`): sets keys in a
//! section, creating the section or the file where missing, and keeps every other byte as
//! it was. Rules: CONTRACT.md, Config writes; v2's `ConfigFileWriter`.
