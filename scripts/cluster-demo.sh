#!/usr/bin/env bash
# A local Vigil cluster over the bundled sample logs, for a newcomer to see it work
# (docs/deploy.md): a private NATS JetStream server, one store, `vigil serve --nats` (the API and
# the listing side) and N `vigil worker`s. It copies samples/ into the watched folder, waits until
# every object is read, prints `vigil status --nats` and the findings, kills one worker with
# SIGKILL to show the others take its partitions, then stops everything (Ctrl-C stops early).
#
#   bash scripts/cluster-demo.sh                  # 2 workers, SQLite store in a temporary folder
#   WORKERS=3 bash scripts/cluster-demo.sh
#   STORE=postgres://127.0.0.1/vigil_demo bash scripts/cluster-demo.sh   # an existing PostgreSQL database
#   KEEP=1 bash scripts/cluster-demo.sh           # leave everything running; prints how to stop it
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS=${WORKERS:-2}
command -v nats-server >/dev/null || { echo "nats-server is not installed: apt-get install nats-server" >&2; exit 2; }
dir=$(mktemp -d /tmp/vigil-cluster-demo-XXXXXX)
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
api=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
nats="nats://127.0.0.1:$port"
store=${STORE:-$dir/vigil.db}
storeflag=(--store "$store")
vigil=(node --import tsx src/cli/main.ts)
pids=()
cleanup() {
  [ -n "${KEEP:-}" ] && { echo "left running (pids ${pids[*]}); stop with: kill ${pids[*]}; rm -rf $dir"; return; }
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

echo "== nats-server -js on $nats (store $dir/nats)"
nats-server -a 127.0.0.1 -p "$port" -js -sd "$dir/nats" >"$dir/nats.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
mkdir -p "$dir/logs"
export VIGIL_ADMIN_ACCESS_KEY_ID=AKIACLUSTERDEMO00001 VIGIL_ADMIN_SECRET_ACCESS_KEY=cluster-demo-secret-0123456789abcdef
export VIGIL_SECRETS_KEY=${VIGIL_SECRETS_KEY:-$(node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")}

echo "== vigil serve --nats $nats --watch $dir/logs (store $store, API on 127.0.0.1:$api)"
"${vigil[@]}" serve --nats "$nats" "${storeflag[@]}" --port "$api" --watch "$dir/logs" --partitions 16 --lease-seconds 5 --log-level warn 2>"$dir/serve.log" & pids+=($!)
for i in $(seq "$WORKERS"); do
  echo "== vigil worker --id worker-$i"
  "${vigil[@]}" worker --nats "$nats" "${storeflag[@]}" --id "worker-$i" --partitions 16 --lease-seconds 5 2>"$dir/worker-$i.log" & pids+=($!)
done
for _ in $(seq 100); do grep -q "GuardDuty API at" "$dir/serve.log" 2>/dev/null && break; sleep 0.2; done
sleep 2

echo "== copying samples/ into the watched folder"
cp -r samples/AWSLogs "$dir/logs/"
want=$(find samples/AWSLogs -type f | wc -l)
for _ in $(seq 150); do
  left=$("${vigil[@]}" status --nats "$nats" --json | node -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>console.log(JSON.parse(s).cluster.status.pending))")
  [ "$left" = 0 ] && break; sleep 0.2
done
"${vigil[@]}" status --nats "$nats"
echo "== findings (read through the store; the API at http://127.0.0.1:$api answers the same)"
"${vigil[@]}" findings list "${storeflag[@]}" | head -20

victim=${pids[2]}
echo "== kill -9 worker-1 (pid $victim): the others take its partitions within the lease time (5 s)"
kill -9 "$victim"
sleep 8
"${vigil[@]}" status --nats "$nats" | head -8
echo "== done: $want sample files read by the cluster"
