//! The role-credentials cache `~/.aws/cli/cache/<sha1>.json` shared with the AWS CLI
//! (reference §4: compact-JSON key derivation, `ProviderType: sso`, 15-minute reuse window).
