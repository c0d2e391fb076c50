// The AWS SDK for JavaScript v3 as a consumer of awsso's credentials: STS GetCallerIdentity
// N times (argv[2], default 1) with one client and the SDK's default credential chain
// (environment, the profile's credential_process, the container endpoint), printing each
// answer's Arn. Run by tests/cli/consumers.rs; scripts/test installs the pinned packages.
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";

const calls = Number(process.argv[2] ?? "1");
const client = new STSClient({ region: "us-east-1", credentials: fromNodeProviderChain() });
for (let i = 0; i < calls; i++) {
  const identity = await client.send(new GetCallerIdentityCommand({}));
  console.log(identity.Arn);
}
