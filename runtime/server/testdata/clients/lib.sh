# lib.sh: what the walkthroughs in this folder share. Each sources it
# right after `set -euo pipefail`:
#   . "$(dirname "$0")/lib.sh"
#   need "NAME walkthrough" aws python3 curl   # SKIP (exit 0) when a tool is missing
#   setup                                       # work, bin, port, the CLI's environment
#   start_serve [EXTRA SERVE FLAGS...]          # serve_pid, E, base; waits for /health
#   check NAME OUTPUT PYTHON-EXPR               # one asserted step
# here is this folder, root the repository.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../../.." && pwd)

# need WHAT TOOL...: skip the walkthrough WHAT (exit 0) unless every TOOL
# is on PATH.
need() {
  local what=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP $what: $tool is not installed"; exit 0; }
  done
}

# setup makes work (a scratch folder, removed on exit, when every process
# in pids is killed too), finds bin ($PATTERNC, else built from root),
# picks a free port and points the aws CLI at nothing but its flags:
# a fixed region, no config files, dummy keys.
setup() {
  work=$(mktemp -d)
  pids=()
  trap 'for p in "${pids[@]}"; do [ -n "$p" ] || continue; kill $p 2>/dev/null || true; wait $p 2>/dev/null || true; done; rm -rf "$work"' EXIT
  bin=${PATTERNC:-}
  if [ -z "$bin" ]; then
    bin=$work/patternc
    (cd "$root" && go build -o "$bin" ./cmd/patternc)
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  export AWS_ACCESS_KEY_ID=anything AWS_SECRET_ACCESS_KEY=anything
  step=0
}

# start_serve [FLAGS...]: patternc serve on port with its data in
# $work/data (stdout in serve.out, stderr in serve.log), waited for
# until /health answers (10 s at most).
start_serve() {
  "$bin" serve --listen 127.0.0.1:$port --data "$work/data" "$@" >"$work/serve.out" 2>"$work/serve.log" &
  serve_pid=$!
  pids+=($serve_pid)
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  base=http://127.0.0.1:$port
  E=(--endpoint-url "$base")
}

# stop_serve stops serve with SIGTERM and fails unless it exits cleanly.
stop_serve() {
  kill -TERM $serve_pid
  wait $serve_pid
  local p kept=()
  for p in "${pids[@]}"; do
    [ "$p" = "$serve_pid" ] || kept+=("$p")
  done
  pids=(${kept[@]+"${kept[@]}"})
}

# check NAME OUTPUT PYTHON-EXPR: the expression, over j (the output as
# JSON), must be true.
check() {
  step=$((step+1))
  if ! python3 -c "import json,sys; j=json.loads(sys.argv[1] or 'null'); sys.exit(0 if ($3) else 1)" "$2"; then
    echo "FAIL step $step ($1): $3"; echo "output: $2"; tail -20 "$work/serve.log"; exit 1
  fi
  echo "ok $step - $1"
}
