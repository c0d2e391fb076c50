#!/usr/bin/env bash
# `awsso sso status` with 20 SSO sessions in the config (each with two profiles, a cached
# token and role credentials, sized like real ones), as json and as the --prompt line,
# against /bin/true and the AWS CLI merely starting (`aws --version`: it has no status
# command), in interleaved hyperfine rounds.
#
#   benches/status.sh [RUNS]      (default 200 runs of each)
source "$(dirname "$0")/common.sh"
runs=${1:-200}
future=$(date -u -d '+6 hours' +%Y-%m-%dT%H:%M:%SZ)
for i in $(seq -w 1 20); do
    printf '[sso-session corp%s]\nsso_start_url = https://d-90000000%s.awsapps.com/start\nsso_region = us-east-1\n\n' "$i" "$i"
    for role in ReadOnly Admin; do
        printf '[profile p%s-%s]\nsso_session = corp%s\nsso_account_id = 1000000000%s\nsso_role_name = %s\nregion = eu-west-1\n\n' "$i" "$role" "$i" "$i" "$role"
    done
done >"$HOME/.aws/config"
# Tokens and credentials the size real ones are (IAM Identity Center's access and refresh
# tokens and client secrets run to over a thousand characters, role session tokens to about
# nine hundred): reading them is most of the command's own work.
python3 - "$HOME" "$future" <<'PY'
import hashlib, json, os, random, string, sys
home, future = sys.argv[1], sys.argv[2]
sso, cli = f"{home}/.aws/sso/cache", f"{home}/.aws/cli/cache"
os.makedirs(sso); os.makedirs(cli)
rng = random.Random(1)
def text(n, alphabet=string.ascii_letters + string.digits + "+/"):
    return "".join(rng.choice(alphabet) for _ in range(n))
for i in range(1, 21):
    name = f"corp{i:02d}"
    token = {"startUrl": f"https://d-90000000{i:02d}.awsapps.com/start", "region": "us-east-1",
             "accessToken": "aoa" + text(1200), "expiresAt": future, "clientId": text(22),
             "clientSecret": text(1500), "registrationExpiresAt": "2099-01-01T00:00:00Z",
             "refreshToken": "aor" + text(1200)}
    open(f"{sso}/{hashlib.sha1(name.encode()).hexdigest()}.json", "w").write(json.dumps(token))
    for role in ("ReadOnly", "Admin"):
        args = json.dumps({"accountId": f"1000000000{i:02d}", "roleName": role, "sessionName": name}, sort_keys=True, separators=(",", ":"))
        creds = {"ProviderType": "sso", "Credentials": {
            "AccessKeyId": "ASIA" + text(16, string.ascii_uppercase + string.digits),
            "SecretAccessKey": text(40), "SessionToken": text(900), "Expiration": future,
            "AccountId": f"1000000000{i:02d}"}}
        open(f"{cli}/{hashlib.sha1(args.encode()).hexdigest()}.json", "w").write(json.dumps(creds))
PY
[ "$("$awsso" sso status --prompt | grep -c ' [0-9]*h[0-9]*m$')" = 20 ] || { echo "status does not see 20 valid sessions" >&2; exit 1; }
echo "sso status, 20 sessions, 40 profiles (median of $runs):"
bench "$runs" \
    "/bin/true=/bin/true" \
    "awsso sso status=$awsso sso status" \
    "awsso sso status --prompt=$awsso sso status --prompt" \
    "aws --version=$aws --version"
readme_row "\`sso status\` with 20 SSO sessions, 40 profiles, their tokens and role credentials cached at their real sizes (137 KB of JSON in 60 files; no request), median of $runs in interleaved hyperfine rounds with \`/bin/true\`, against the AWS CLI merely starting (\`aws --version\`; it has no such command)" \
    "\`benches/status.sh\`" \
    "json $(ms 'awsso sso status') ($(ratio 'awsso sso status')× \`/bin/true\`); \`--prompt\` $(ms 'awsso sso status --prompt') ($(ratio 'awsso sso status --prompt')×)" \
    "$(ms 'aws --version')" "1/$(times 'aws --version' 'awsso sso status')"
