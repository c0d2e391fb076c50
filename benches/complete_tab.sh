#!/usr/bin/env bash
# One TAB, as bash's registered function makes it (`COMPLETE=bash awsso -- awsso --profile
# PREFIX`, the profiles read from the config), on a small config and on one of 10,000
# profiles, against /bin/true, the AWS CLI's own completer (`aws_completer`, from the test
# virtualenv: it starts Python on every TAB) and `aws --version`, each set in interleaved
# hyperfine rounds.
# On the large file, also `awsso configure list-profiles`, which reads the same file.
#
#   benches/complete_tab.sh [RUNS]      (default 200 runs of each)
source "$(dirname "$0")/common.sh"
runs=${1:-200}
small=$work/config-small
large=$work/config-10000
printf '[default]\nregion = us-east-1\n\n[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\n[profile prod]\nsso_session = corp\nsso_account_id = 444455556666\nsso_role_name = ReadOnly\n\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n' >"$small"
python3 - "$large" <<'PY'
import sys
out = ["[default]\nregion = us-east-1\n"]
for s in range(10):
    out.append(f"[sso-session corp{s}]\nsso_start_url = https://d-{s:010}.awsapps.com/start\nsso_region = us-east-1\n")
for i in range(10000):
    out.append(f"[profile account-{i:05}-ReadOnlyAccess]\nsso_session = corp{i % 10}\nsso_account_id = {100000000000 + i:012}\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\n")
open(sys.argv[1], "w").write("\n".join(out))
PY
# What bash's function sets around the call (clap_complete's registration).
export COMPLETE=bash _CLAP_COMPLETE_INDEX=2 _CLAP_COMPLETE_COMP_TYPE=9 _CLAP_COMPLETE_SPACE=true _CLAP_IFS=$'\v'
tab="$awsso -- awsso --profile"
completer=$PWD/.venv/bin/aws_completer

export AWS_CONFIG_FILE=$small COMP_LINE="aws --profile p" COMP_POINT=15
[ "$("$awsso" -- awsso --profile p)" = prod ] || { echo "not the one candidate from awsso" >&2; exit 1; }
echo "TAB after --profile p, small config (median of $runs):"
bench "$runs" \
    "/bin/true=/bin/true" \
    "awsso TAB small=$tab p" \
    "aws_completer TAB small=$completer" \
    "aws --version=$aws --version"

export AWS_CONFIG_FILE=$large COMP_LINE="aws --profile account-0999" COMP_POINT=26
[ "$("$awsso" -- awsso --profile account-0999 | tr '\v' '\n' | grep -c .)" = 10 ] || { echo "wrong candidates" >&2; exit 1; }
echo
echo "TAB after --profile account-0999, 10,000 profiles (median of $runs):"
# COMPLETE would turn list-profiles into a completion request: both go through env(1) here,
# so they pay the same extra exec.
bench "$runs" \
    "env awsso configure list-profiles=/usr/bin/env -u COMPLETE $awsso configure list-profiles" \
    "env awsso TAB=/usr/bin/env $tab account-0999"
echo
bench "$runs" \
    "/bin/true=/bin/true" \
    "awsso TAB 10000=$tab account-0999" \
    "aws_completer TAB 10000=$completer" \
    "aws --version=$aws --version"
readme_row "a TAB after \`--profile p\` on a small config (3 profiles), as bash's registered function calls it, median of $runs in interleaved hyperfine rounds with \`/bin/true\`, against the AWS CLI's completer (\`aws_completer\`, Python on every TAB)" \
    "\`benches/complete_tab.sh\`" \
    "$(ms 'awsso TAB small') ($(ratio 'awsso TAB small')× \`/bin/true\`)" \
    "$(ms 'aws_completer TAB small')" "1/$(times 'aws_completer TAB small' 'awsso TAB small')"
readme_row "a TAB after \`--profile account-0999\` on a config of 10,000 profiles (10 candidates), against \`configure list-profiles\` on the same file (both through \`env\`), median of $runs" \
    "\`benches/complete_tab.sh\`" \
    "$(ms 'awsso TAB 10000') ($(ratio 'awsso TAB 10000')× \`/bin/true\`); $(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$(_field 'env awsso TAB' 2)" "$(_field 'env awsso configure list-profiles' 2)")× \`env awsso configure list-profiles\` ($(ms 'env awsso configure list-profiles'))" \
    "$(ms 'aws_completer TAB 10000')" "1/$(times 'aws_completer TAB 10000' 'awsso TAB 10000')"
