//! The credential provider chain in AWS CLI v2's order (CONTRACT.md): environment (skipped
//! under an explicit `--profile`), assume role, SSO, the credentials file,
//! `credential_process`, config-file static keys.
