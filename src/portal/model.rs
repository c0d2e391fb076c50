//! The SSO portal's responses as botocore parses them (`data/sso/2019-06-10/service-2.json`):
//! a structure keeps its modeled members that are present and not null, in model order,
//! so output shows exactly what v2 shows whatever order or extra members the service sent.

use serde::Deserialize;
use serde_json::Value;

use crate::secret::Secret;

/// GetRoleCredentials' `roleCredentials`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RoleCredentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Secret,
    /// Epoch milliseconds.
    pub expiration: i64,
}

/// A fragment of the `sso` service model: enough to parse responses the way botocore does.
pub enum Shape {
    Scalar,
    List(&'static Shape),
    Structure(&'static [(&'static str, Shape)]),
}

pub const ACCOUNT_INFO: Shape = Shape::Structure(&[
    ("accountId", Shape::Scalar),
    ("accountName", Shape::Scalar),
    ("emailAddress", Shape::Scalar),
]);
pub const ROLE_INFO: Shape =
    Shape::Structure(&[("roleName", Shape::Scalar), ("accountId", Shape::Scalar)]);
pub const LIST_ACCOUNTS_OUTPUT: Shape = Shape::Structure(&[
    ("nextToken", Shape::Scalar),
    ("accountList", Shape::List(&ACCOUNT_INFO)),
]);
pub const LIST_ACCOUNT_ROLES_OUTPUT: Shape = Shape::Structure(&[
    ("nextToken", Shape::Scalar),
    ("roleList", Shape::List(&ROLE_INFO)),
]);
pub const GET_ROLE_CREDENTIALS_OUTPUT: Shape = Shape::Structure(&[(
    "roleCredentials",
    Shape::Structure(&[
        ("accessKeyId", Shape::Scalar),
        ("secretAccessKey", Shape::Scalar),
        ("sessionToken", Shape::Scalar),
        ("expiration", Shape::Scalar),
    ]),
)]);

/// botocore's rest-json parser: a structure keeps its modeled members that are present and not
/// null, in model order; scalars pass through as sent.
pub fn normalize(value: &serde_json::Value, shape: &Shape) -> serde_json::Value {
    match (shape, value) {
        (Shape::Structure(members), Value::Object(object)) => Value::Object(
            members
                .iter()
                .filter_map(|(name, member)| match object.get(*name) {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(((*name).to_owned(), normalize(v, member))),
                })
                .collect(),
        ),
        (Shape::List(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| normalize(v, item)).collect())
        }
        _ => value.clone(),
    }
}

/// GetRoleCredentials' response as v2 prints it. It holds the secret key and session token:
/// `get-role-credentials` exists to print them.
pub fn role_credentials_response(credentials: &RoleCredentials) -> Value {
    let body = serde_json::json!({ "roleCredentials": {
        "accessKeyId": credentials.access_key_id,
        "secretAccessKey": credentials.secret_access_key.expose_secret(),
        "sessionToken": credentials.session_token.expose_secret(),
        "expiration": credentials.expiration,
    }});
    normalize(&body, &GET_ROLE_CREDENTIALS_OUTPUT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn responses_are_parsed_like_botocore() {
        let body = json!({
            "accountList": [{"emailAddress": "e", "extra": 1, "accountId": "1", "accountName": null}],
            "nextToken": "t",
            "unknown": true
        });
        let parsed = normalize(&body, &LIST_ACCOUNTS_OUTPUT);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#"{"nextToken":"t","accountList":[{"accountId":"1","emailAddress":"e"}]}"#
        );
    }
}
