//! STS (awsQuery, XML, SigV4 via `aws-sigv4`): GetCallerIdentity and AssumeRole, regional
//! endpoints, and the global endpoint signed for us-east-1 when no region is configured.
