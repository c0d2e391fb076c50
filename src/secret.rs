//! [`Secret`]: every access token, refresh token, client secret, device code, PKCE verifier,
//! secret key and session token awsso handles. It cannot be printed by accident: it has no
//! `Display` (so `format!("{token}")` does not compile), its `Debug` is redacted, and the value
//! is reached only through [`Secret::expose_secret`], at the few places that send it, write it
//! to a cache or hand it to the user (`export-credentials`, `get-role-credentials`).
//!
//! ```compile_fail
//! // A secret cannot be formatted for display: this does not compile.
//! let token = awsso::secret::Secret::new("aoa-secret");
//! let shown = format!("{token}");
//! ```

/// A secret string. Deserialises from a JSON string (service answers, cache files); it is not
/// `Serialize`: writing one out goes through [`Secret::expose_secret`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for sending, caching or deliberate printing.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the value can travel as an HTTP header value (a bearer token in
    /// `x-amz-sso_bearer_token`): reqwest's own rule, so the check and the send agree. A token
    /// with a control character (a newline, DEL) could never be sent.
    pub fn is_header_value(&self) -> bool {
        reqwest::header::HeaderValue::from_str(&self.0).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(** redacted **)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let token = Secret::new("aoa-very-secret");
        let shown = format!("{token:?} {:?}", Some(&token));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert_eq!(shown, "Secret(** redacted **) Some(Secret(** redacted **))");
        assert_eq!(token.expose_secret(), "aoa-very-secret");
    }

    #[test]
    fn deserialises_from_a_json_string() {
        let token: Secret = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(token.expose_secret(), "abc");
    }
}
