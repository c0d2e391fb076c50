//! The SSO token cache `~/.aws/sso/cache/<sha1>.json` and the OIDC client-registration cache
//! beside it, read and written exactly as AWS CLI v2 / botocore do
//! (reference §3: keys, field order, timestamps).
