// The AWS SDK for JavaScript v3 as a consumer of awsso's credentials: STS GetCallerIdentity
// CALLS times with one client, printing each answer's Arn. Run by tests/cli/consumers.rs;
// scripts/test installs the pinned packages.
//
//   node caller_identity.mjs PROVIDER [CALLS]
//
// PROVIDER is `chain`, the SDK's default chain (environment, the profile's
// credential_process, the container endpoint), or one link of it alone, `process` (the
// profile's credential_process) or `http` (the container endpoint). The chain refreshes
// credentials near their end in the background, using the old ones meanwhile; one link
// alone, under the client's own 5-minute window, refreshes before each call that needs it,
// which makes a test across expiry deterministic.
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromHttp, fromNodeProviderChain, fromProcess } from "@aws-sdk/credential-providers";

const providers = {
  chain: () => fromNodeProviderChain(),
  process: () => fromProcess({ profile: process.env.AWS_PROFILE }),
  http: () => fromHttp(),
};
const [name = "chain", calls = "1"] = process.argv.slice(2);
const client = new STSClient({ region: "us-east-1", credentials: providers[name]() });
for (let i = 0; i < Number(calls); i++) {
  const identity = await client.send(new GetCallerIdentityCommand({}));
  console.log(identity.Arn);
}
