//! The region names awsso offers for completion and in the `configure sso` wizard, from
//! botocore's partitions: one table, so the two lists cannot drift apart.

/// Every region of botocore's partitions (botocore 1.44.5, `botocore/data/endpoints.json`,
/// `partitions[].regions`): aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e,
/// aws-iso-f and aws-eusc.
pub const ALL: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "eu-isoe-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "eusc-de-east-1",
];

/// The `aws` partition, the head of [`ALL`]: botocore's `get_available_regions('sso-oidc')`
/// (botocore 1.44.5's `endpoints.json`, the same data as v2 2.36.7's), the region
/// completions of the `configure sso` wizard.
pub const AWS_PARTITION: &[&str] = ALL.split_at(34).0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aws_partition_is_the_head_of_all() {
        assert_eq!(AWS_PARTITION.first(), Some(&"af-south-1"));
        assert_eq!(AWS_PARTITION.last(), Some(&"us-west-2"));
        assert_eq!(ALL[AWS_PARTITION.len()], "cn-north-1");
    }
}
