//! The emulated organisation: the signed-in user, the accounts and roles assigned to them in
//! IAM Identity Center, and static IAM users whose long-term keys STS accepts. Also the
//! deterministic identities (role ids, ARNs) derived from them, so the same user, account and
//! role always give the same `UserId` and `Arn`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Everything the emulator knows about who may do what. Loadable from JSON
/// (`--directory FILE`); see [`Directory::from_json`] for the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Directory {
    /// The Identity Center user who signs in (the session name of role credentials).
    pub user: String,
    /// Accounts assigned to the user, in the order ListAccounts returns them.
    pub accounts: Vec<Account>,
    /// IAM users with long-term access keys (for credentials-file tests).
    #[serde(default)]
    pub users: Vec<IamUser>,
}

/// One AWS account assigned to the user, with the permission sets (roles) the user may use in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Account {
    /// 12 digits.
    pub account_id: String,
    /// What ListAccounts shows as `accountName`.
    pub account_name: String,
    /// What ListAccounts shows as `emailAddress`.
    pub email_address: String,
    /// Role names in the order ListAccountRoles returns them.
    pub roles: Vec<String>,
}

/// An IAM user with a static access key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IamUser {
    /// `AKIA...`
    pub access_key_id: String,
    /// The secret that signs requests.
    pub secret_access_key: String,
    /// `arn:aws:iam::ACCOUNT:user/NAME`
    pub arn: String,
    /// `AIDA...`
    pub user_id: String,
}

impl IamUser {
    /// The account id taken from the ARN (the fifth `:` field).
    pub fn account(&self) -> String {
        self.arn.split(':').nth(4).unwrap_or_default().to_string()
    }
}

impl Default for Directory {
    /// The fixed directory tests rely on (COMMON.md): user `jane@example.com`; accounts
    /// Development (AdministratorAccess, ReadOnlyAccess), Production (ReadOnlyAccess), Sandbox
    /// (AdministratorAccess); IAM user `ci-bot` with key `AKIAEMULATORSTATIC01`.
    fn default() -> Self {
        let account = |id: &str, name: &str, email: &str, roles: &[&str]| Account {
            account_id: id.into(),
            account_name: name.into(),
            email_address: email.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        };
        Directory {
            user: "jane@example.com".into(),
            accounts: vec![
                account(
                    "111122223333",
                    "Development",
                    "dev@example.com",
                    &["AdministratorAccess", "ReadOnlyAccess"],
                ),
                account(
                    "444455556666",
                    "Production",
                    "prod@example.com",
                    &["ReadOnlyAccess"],
                ),
                account(
                    "777788889999",
                    "Sandbox",
                    "sandbox@example.com",
                    &["AdministratorAccess"],
                ),
            ],
            users: vec![IamUser {
                access_key_id: "AKIAEMULATORSTATIC01".into(),
                secret_access_key: "emulatorStaticSecretKey0000000000000001".into(),
                arn: "arn:aws:iam::111122223333:user/ci-bot".into(),
                user_id: "AIDAEMULATORCIBOT0001".into(),
            }],
        }
    }
}

impl Directory {
    /// Parses the `--directory` JSON format, the same shape as the default:
    ///
    /// ```json
    /// {"user": "jane@example.com",
    ///  "accounts": [{"accountId": "111122223333", "accountName": "Development",
    ///                "emailAddress": "dev@example.com", "roles": ["AdministratorAccess"]}],
    ///  "users": [{"accessKeyId": "AKIA...", "secretAccessKey": "...",
    ///             "arn": "arn:aws:iam::111122223333:user/ci-bot", "userId": "AIDA..."}]}
    /// ```
    pub fn from_json(text: &str) -> Result<Directory, String> {
        let directory: Directory = serde_json::from_str(text).map_err(|e| e.to_string())?;
        for account in &directory.accounts {
            if account.account_id.len() != 12
                || !account.account_id.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(format!(
                    "account id {:?} is not 12 digits",
                    account.account_id
                ));
            }
        }
        Ok(directory)
    }

    /// A directory of `accounts` accounts with `roles_per_account` roles each, for tests at
    /// scale (5,000 accounts is a large organisation). Everything is derived from the position,
    /// so two calls give equal directories, and every list sorts in position order:
    ///
    /// * account `i` (from 1) has id `100000000000 + i` (12 digits, never a leading zero that a
    ///   careless parser would drop), name `account-00001` and email `account-00001@example.com`;
    ///   the number is zero-padded to at least 5 digits, more when `accounts` needs them;
    /// * its roles are `Role1`..`RoleM`, zero-padded to the width of M (`Role01`..`Role12`), so
    ///   sorting the names keeps their numeric order;
    /// * the user and the IAM user are the default directory's.
    ///
    /// # Panics
    /// If `accounts` exceeds 899,999,999,999, past which ids would not be 12 digits.
    pub fn generated(accounts: usize, roles_per_account: usize) -> Directory {
        const FIRST_ID: u64 = 100_000_000_000;
        assert!(
            (accounts as u64) < 1_000_000_000_000 - FIRST_ID,
            "at most 899,999,999,999 accounts have 12-digit ids"
        );
        let width = accounts.to_string().len().max(5);
        let role_width = roles_per_account.to_string().len();
        let roles: Vec<String> = (1..=roles_per_account)
            .map(|r| format!("Role{r:0role_width$}"))
            .collect();
        let accounts = (1..=accounts)
            .map(|i| {
                let name = format!("account-{i:0width$}");
                Account {
                    account_id: (FIRST_ID + i as u64).to_string(),
                    email_address: format!("{name}@example.com"),
                    account_name: name,
                    roles: roles.clone(),
                }
            })
            .collect();
        let default = Directory::default();
        Directory {
            user: default.user,
            accounts,
            users: default.users,
        }
    }

    /// The account with this id, if assigned to the user.
    pub fn account(&self, account_id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.account_id == account_id)
    }

    /// Whether the user may use `role` in `account_id`.
    pub fn is_assigned(&self, account_id: &str, role: &str) -> bool {
        self.account(account_id)
            .is_some_and(|a| a.roles.iter().any(|r| r == role))
    }

    /// The IAM role Identity Center creates for a permission set in an account:
    /// `AWSReservedSSO_<PermissionSet>_<16 hex>`, the suffix derived from account and role.
    pub fn reserved_role_name(account_id: &str, permission_set: &str) -> String {
        let digest = sha256_hex(&format!("reserved-role/{account_id}/{permission_set}"));
        format!("AWSReservedSSO_{permission_set}_{}", &digest[..16])
    }

    /// The identity of SSO role credentials: `(arn, user_id)` of
    /// `arn:aws:sts::ACCOUNT:assumed-role/AWSReservedSSO_ROLE_<hex>/USER`.
    pub fn sso_role_identity(&self, account_id: &str, permission_set: &str) -> (String, String) {
        let role = Self::reserved_role_name(account_id, permission_set);
        assumed_role_identity(account_id, &role, &self.user)
    }
}

/// `(arn, user_id)` for a session of an IAM role: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`
/// and `AROA<17 chars derived from account and role>:SESSION`.
pub fn assumed_role_identity(account_id: &str, role_name: &str, session: &str) -> (String, String) {
    let arn = format!("arn:aws:sts::{account_id}:assumed-role/{role_name}/{session}");
    let user_id = format!("{}:{session}", role_id(account_id, role_name));
    (arn, user_id)
}

/// A role's unique id, `AROA` and 17 upper-case letters and digits, deterministic per role.
pub fn role_id(account_id: &str, role_name: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(format!("role-id/{account_id}/{role_name}").as_bytes());
    let suffix: String = digest
        .iter()
        .take(17)
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    format!("AROA{suffix}")
}

pub(crate) fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_directory_matches_the_common_brief() {
        let d = Directory::default();
        assert_eq!(d.user, "jane@example.com");
        let ids: Vec<_> = d.accounts.iter().map(|a| a.account_id.as_str()).collect();
        assert_eq!(ids, ["111122223333", "444455556666", "777788889999"]);
        assert!(d.is_assigned("111122223333", "ReadOnlyAccess"));
        assert!(!d.is_assigned("444455556666", "AdministratorAccess"));
        assert_eq!(d.users[0].account(), "111122223333");
    }

    #[test]
    fn identities_are_deterministic() {
        let d = Directory::default();
        let (arn, user_id) = d.sso_role_identity("111122223333", "ReadOnlyAccess");
        assert_eq!(
            (arn.clone(), user_id.clone()),
            d.sso_role_identity("111122223333", "ReadOnlyAccess")
        );
        let role = Directory::reserved_role_name("111122223333", "ReadOnlyAccess");
        assert!(role.starts_with("AWSReservedSSO_ReadOnlyAccess_"));
        assert_eq!(role.len(), "AWSReservedSSO_ReadOnlyAccess_".len() + 16);
        assert_eq!(
            arn,
            format!("arn:aws:sts::111122223333:assumed-role/{role}/jane@example.com")
        );
        assert!(user_id.starts_with("AROA") && user_id.ends_with(":jane@example.com"));
        assert_eq!(user_id.len(), 21 + ":jane@example.com".len());
        assert_ne!(role_id("111122223333", "A"), role_id("111122223333", "B"));
    }

    #[test]
    fn generated_directories_are_deterministic_and_sort_in_order() {
        let d = Directory::generated(3, 2);
        assert_eq!(d, Directory::generated(3, 2));
        assert_eq!(d.user, "jane@example.com");
        assert_eq!(d.users, Directory::default().users);
        let first = &d.accounts[0];
        assert_eq!(first.account_id, "100000000001");
        assert_eq!(first.account_name, "account-00001");
        assert_eq!(first.email_address, "account-00001@example.com");
        assert_eq!(first.roles, ["Role1", "Role2"]);
        assert_eq!(d.accounts[2].account_id, "100000000003");
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(Directory::from_json(&text).unwrap(), d);

        let roles = &Directory::generated(1, 12).accounts[0].roles;
        assert_eq!(roles[0], "Role01");
        assert_eq!(roles[11], "Role12");
        let mut sorted = roles.clone();
        sorted.sort();
        assert_eq!(&sorted, roles);

        let big = Directory::generated(123_456, 0);
        assert_eq!(big.accounts[0].account_name, "account-000001");
        assert_eq!(big.accounts[123_455].account_id, "100000123456");
        assert!(big
            .accounts
            .windows(2)
            .all(|w| w[0].account_name < w[1].account_name && w[0].account_id < w[1].account_id));
        assert!(Directory::generated(0, 3).accounts.is_empty());
    }

    #[test]
    fn directory_json_round_trips_and_rejects_bad_ids() {
        let d = Directory::default();
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(Directory::from_json(&text).unwrap(), d);
        let bad = r#"{"user":"u","accounts":[{"accountId":"12","accountName":"n","emailAddress":"e","roles":[]}]}"#;
        assert!(Directory::from_json(bad).unwrap_err().contains("12 digits"));
        assert!(Directory::from_json("{").is_err());
        assert!(Directory::from_json(r#"{"user":"u","accounts":[],"extra":1}"#).is_err());
    }
}
