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
    /// `x-amz-sso_bearer_token`): see [`is_header_value`].
    pub fn is_header_value(&self) -> bool {
        is_header_value(&self.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether `value` can travel as an HTTP header value: the rule of the `http` crate's
/// `HeaderValue::from_str`, which reqwest sends with (a tab or a visible byte; a control
/// character such as a newline, or DEL, could never be sent). Checked here rather than by
/// building a `HeaderValue`, which copies the value: `sso status` checks twenty access tokens
/// of over a thousand bytes. The unit test holds the two to the same answer for every byte.
pub fn is_header_value(value: &str) -> bool {
    // Whole chunks without early exits, so that the compiler checks many bytes at once.
    value.as_bytes().chunks(64).all(|chunk| {
        chunk.iter().fold(true, |ok, &b| {
            ok & ((b == b'\t') | ((b >= 0x20) & (b != 0x7f)))
        })
    })
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
    fn header_values_are_what_http_accepts() {
        for b in 0..=0xffu8 {
            // Every byte, alone and inside a value; bytes over 0x7f as the UTF-8 of their
            // code point.
            let c = char::from(b);
            for value in [c.to_string(), format!("Bearer {c} aoa")] {
                assert_eq!(
                    is_header_value(&value),
                    reqwest::header::HeaderValue::from_str(&value).is_ok(),
                    "{value:?}"
                );
            }
        }
        assert!(is_header_value(""));
    }

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
