//! The SSO OIDC API (`oidc.{region}.amazonaws.com`, restJson1, unsigned): RegisterClient,
//! StartDeviceAuthorization, CreateToken (device code, authorization code + PKCE, refresh
//! token), and the PKCE values and `/authorize` URL of the AWS CLI.
