//! Where the console opens after sign-in (`console --destination`): a console URL given as
//! it is, or a service shortcut (`s3`, `ec2`, `iam`, ...) that becomes that service's page in
//! the client region, on the console host of the region's partition. The default is the
//! console home of the region. URL shapes are the console's own
//! (`https://{region}.console.aws.amazon.com/{service}/home?region={region}`, as aws-vault's
//! `cli/login.go` and Granted's `pkg/console` build them); docs/compatibility.md, "Console".

use crate::error::{Error, Result};
use crate::http::{validate_region, Partition};

/// Service shortcuts and the console path each opens, sorted by shortcut. The list in
/// `console --help` (`cli.rs`) is checked against this table by a test below.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("acm", "acm/home"),
    ("apigateway", "apigateway/home"),
    ("athena", "athena/home"),
    ("billing", "billing/home"),
    ("cfn", "cloudformation/home"),
    ("cloudformation", "cloudformation/home"),
    ("cloudfront", "cloudfront/v4/home"),
    ("cloudshell", "cloudshell/home"),
    ("cloudtrail", "cloudtrail/home"),
    ("cloudwatch", "cloudwatch/home"),
    ("codepipeline", "codesuite/codepipeline/home"),
    ("cw", "cloudwatch/home"),
    ("ddb", "dynamodbv2/home"),
    ("dynamodb", "dynamodbv2/home"),
    ("ec2", "ec2/home"),
    ("ecr", "ecr/home"),
    ("ecs", "ecs/home"),
    ("eks", "eks/home"),
    ("eventbridge", "events/home"),
    ("glue", "glue/home"),
    ("iam", "iam/home"),
    ("kms", "kms/home"),
    ("lambda", "lambda/home"),
    ("organizations", "organizations/v2/home"),
    ("rds", "rds/home"),
    ("route53", "route53/v2/home"),
    ("s3", "s3/home"),
    ("sagemaker", "sagemaker/home"),
    ("secretsmanager", "secretsmanager/home"),
    ("sfn", "states/home"),
    ("sns", "sns/v3/home"),
    ("sqs", "sqs/v3/home"),
    ("ssm", "systems-manager/home"),
    ("sso", "singlesignon/home"),
    ("vpc", "vpc/home"),
];

/// The console home, the page opened without `--destination`.
const HOME: &str = "console/home";

/// A `--destination` that names no console page (252).
#[derive(Debug, thiserror::Error)]
pub enum DestinationError {
    /// Neither an `https://` URL nor a known shortcut.
    #[error("Invalid value for --destination: \"{value}\". Use a console URL (https://...) or a service shortcut: {}.", shortcut_names())]
    Unknown { value: String },
    /// A URL, but not one a browser can be sent to after sign-in.
    #[error("Invalid value for --destination: \"{value}\". A console URL must start with https:// and name a host.")]
    NotHttps { value: String },
}

impl From<DestinationError> for Error {
    fn from(e: DestinationError) -> Self {
        Error::ParamValidation(Box::new(e))
    }
}

fn shortcut_names() -> String {
    SHORTCUTS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What `--destination` asked for, checked before anything else is resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Destination {
    /// The console home of the region.
    #[default]
    Home,
    /// A service's page: the console path of a shortcut.
    Service(&'static str),
    /// A console URL, used as it is.
    Url(String),
}

impl Destination {
    /// Reads `--destination`: a value with `://` must be an `https://` URL with a host; any
    /// other value must be a shortcut (case does not matter).
    pub fn parse(value: &str) -> Result<Destination, DestinationError> {
        if value.contains("://") {
            let valid = url::Url::parse(value).is_ok_and(|u| {
                u.scheme() == "https" && u.host_str().is_some_and(|h| !h.is_empty())
            });
            if !valid {
                return Err(DestinationError::NotHttps {
                    value: value.to_owned(),
                });
            }
            return Ok(Destination::Url(value.to_owned()));
        }
        SHORTCUTS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(value))
            .map(|(_, path)| Destination::Service(path))
            .ok_or_else(|| DestinationError::Unknown {
                value: value.to_owned(),
            })
    }

    /// The console URL: a given URL as it is; a page of the console host of `region`'s
    /// partition, regional with `?region=` when there is a region
    /// (`https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1`), else the
    /// partition's console host (`https://console.aws.amazon.com/s3/home`). The region goes
    /// into a host name, so it is checked as botocore checks regions first.
    pub fn url(&self, region: Option<&str>) -> Result<String> {
        let path = match self {
            Destination::Url(url) => return Ok(url.clone()),
            Destination::Home => HOME,
            Destination::Service(path) => path,
        };
        let region = region.filter(|r| !r.is_empty());
        let host = Partition::of_region(region).console_host();
        match region {
            Some(region) => {
                validate_region(region)?;
                Ok(format!("https://{region}.{host}/{path}?region={region}"))
            }
            None => Ok(format!("https://{host}/{path}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_become_regional_pages_on_the_partition_s_console() {
        let s3 = Destination::parse("s3").unwrap();
        assert_eq!(
            s3.url(Some("eu-west-1")).unwrap(),
            "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
        );
        assert_eq!(
            Destination::parse("EC2")
                .unwrap()
                .url(Some("cn-north-1"))
                .unwrap(),
            "https://cn-north-1.console.amazonaws.cn/ec2/home?region=cn-north-1"
        );
        assert_eq!(
            Destination::parse("iam")
                .unwrap()
                .url(Some("us-gov-west-1"))
                .unwrap(),
            "https://us-gov-west-1.console.amazonaws-us-gov.com/iam/home?region=us-gov-west-1"
        );
        assert_eq!(
            s3.url(None).unwrap(),
            "https://console.aws.amazon.com/s3/home"
        );
        assert_eq!(
            Destination::Home.url(Some("ap-south-1")).unwrap(),
            "https://ap-south-1.console.aws.amazon.com/console/home?region=ap-south-1"
        );
        assert_eq!(
            Destination::Home.url(None).unwrap(),
            "https://console.aws.amazon.com/console/home"
        );
        // A hostile region never becomes part of a host name.
        let err = s3.url(Some("x@evil.example#")).unwrap_err();
        assert_eq!(err.exit_code(), 255);
    }

    #[test]
    fn urls_are_kept_as_given() {
        let url =
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:";
        let destination = Destination::parse(url).unwrap();
        assert_eq!(destination.url(Some("cn-north-1")).unwrap(), url);
    }

    #[test]
    fn bad_destinations_are_parameter_errors() {
        for bad in [
            "http://console.aws.amazon.com/",
            "https://",
            "ftp://x/",
            "https://:443/",
        ] {
            let err = Error::from(Destination::parse(bad).unwrap_err());
            assert_eq!(
                err.to_string(),
                format!("An error occurred (ParamValidation): Invalid value for --destination: \"{bad}\". A console URL must start with https:// and name a host."),
            );
            assert_eq!(err.exit_code(), 252);
        }
        for bad in ["s4", "", "console.aws.amazon.com/s3"] {
            let err = Error::from(Destination::parse(bad).unwrap_err());
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("An error occurred (ParamValidation): Invalid value for --destination: \"{bad}\". Use a console URL (https://...) or a service shortcut: acm, apigateway, ")),
                "{text}"
            );
            assert!(!text.contains('\n'), "{text}");
            assert_eq!(err.exit_code(), 252);
        }
    }

    #[test]
    fn the_table_is_sorted_and_listed_in_the_help() {
        let names: Vec<&str> = SHORTCUTS.iter().map(|(name, _)| *name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        use clap::CommandFactory;
        let cli = crate::cli::Cli::command();
        let console = cli.find_subcommand("console").unwrap();
        let help = console.get_after_help().unwrap().to_string();
        let listed = help
            .split_once("Service shortcuts for --destination: ")
            .map(|(_, list)| list.trim_end().trim_end_matches('.'))
            .unwrap_or_else(|| panic!("no shortcut list in: {help}"));
        let listed: Vec<&str> = listed.split(',').map(str::trim).collect();
        assert_eq!(listed, names);
    }
}
