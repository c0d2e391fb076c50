//! The files AWS tools share under `~/.aws`: SSO tokens and client registrations
//! (`~/.aws/sso/cache`, [`token`]) and role credentials (`~/.aws/cli/cache`, [`role`]).
//! Byte-compatible with AWS CLI v2 and botocore; every write goes through [`crate::atomic`]
//! (temp file in the same directory, fsync, rename), files 0600, directories 0700.

pub mod members;
pub mod role;
pub mod sweep;
pub mod token;

use sha1::{Digest, Sha1};

/// Lower-case hex SHA-1, the cache key function of botocore.
pub fn sha1_hex(data: &[u8]) -> String {
    // Into a buffer: `hex::encode` goes through a char iterator, a third of this function.
    let mut buf = [0u8; 40];
    hex::encode_to_slice(Sha1::digest(data), &mut buf).expect("40 hex digits for 20 bytes");
    std::str::from_utf8(&buf).expect("hex digits").to_owned()
}

/// `<key>.json`, the file name of a cache entry.
pub fn entry_name(key: &str) -> String {
    let mut name = String::with_capacity(key.len() + 5);
    name.push_str(key);
    name.push_str(".json");
    name
}

/// `<dir>/<key>.json`, the file of a cache entry, as `dir.join(format!("{key}.json"))` but
/// in one allocation (`sso status` builds sixty of these).
pub fn entry_path(dir: &std::path::Path, key: &str) -> std::path::PathBuf {
    let mut path = std::path::PathBuf::with_capacity(dir.as_os_str().len() + key.len() + 6);
    path.push(dir);
    path.push(key);
    path.as_mut_os_string().push(".json");
    path
}

/// Python's `json.dumps` with default separators (`", "`, `": "`) and `ensure_ascii=True`,
/// keys in the value's order: what botocore writes into both caches.
pub fn python_json(value: &serde_json::Value) -> String {
    crate::python::json_compact(value, ", ", ": ", true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_path_is_the_key_with_json_in_the_directory() {
        for dir in [
            "/home/u/.aws/sso/cache",
            "/home/u/.aws/sso/cache/",
            "cache",
            "",
        ] {
            let dir = std::path::Path::new(dir);
            assert_eq!(entry_path(dir, "ab12"), dir.join("ab12.json"));
        }
    }

    #[test]
    fn sha1_matches_botocore_vectors() {
        assert_eq!(
            sha1_hex(b"admin"),
            "d033e22ae348aeb5660fc2140aec35850c4da997"
        );
        assert_eq!(
            sha1_hex(b"https://d-123.awsapps.com/start"),
            "2b829a45f04c9828cb45b7d092d8e4aa30818393"
        );
    }

    #[test]
    fn python_json_layout() {
        let value = serde_json::json!({"b": [1, "x"], "a": null, "u": "é\n"});
        assert_eq!(
            python_json(&value),
            r#"{"b": [1, "x"], "a": null, "u": "\u00e9\n"}"#
        );
    }
}
