#!/usr/bin/env bash
# side-by-side.sh - two builds of `glow proxy` (A and B) measured at the same moment: both behind one nginx, each
# under its own wrk keep-alive load, so whatever else loads the machine hits both alike; prints the proxies' CPU
# µs per request (user+system ticks over the measured run / requests) per pair, A and B swapping ports each pair.
# Usage: streams-proxy/bench/side-by-side.sh A_JAR B_JAR      Env: PAIRS (6), WARM (20 s), DUR (10 s), CONNS (32).
# Needs nginx and wrk (apt-get install -y nginx-light wrk). Only 127.0.0.1; every load bounded (wrk -d, timeout).
set -uo pipefail
[ $# -eq 2 ] && [ -f "$1" ] && [ -f "$2" ] || { echo "usage: $0 A_JAR B_JAR (two built app/target/glow.jar copies)" >&2; exit 2; }
for b in nginx wrk ss; do command -v $b >/dev/null || { echo "missing $b (apt-get install -y nginx-light wrk)" >&2; exit 2; }; done
PAIRS=${PAIRS:-6}; WARM=${WARM:-20}; DUR=${DUR:-10}; CONNS=${CONNS:-32}; HZ=$(getconf CLK_TCK)
W=$(mktemp -d /tmp/side-by-side.XXXXXX); NGINX=""; procs=()   # only processes started here, stopped by pid
cleanup() { kill "${procs[@]}" $NGINX 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT; trap 'exit 130' INT TERM
free_port() { local p; for _ in $(seq 100); do p=$((20000 + RANDOM % 10000))   # below the ephemeral range
  ss -Htan "sport = :$p" | grep -q . || { echo $p; return; }; done; echo "no free port" >&2; exit 1; }
wait_port() { for _ in $(seq 200); do ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.05; done
  echo "port $1 never opened" >&2; exit 1; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of the JVM, all its threads
NG=$(free_port); mkdir -p "$W/www" "$W/tmp"; printf 'hello\n' >"$W/www/tiny.txt"
cat >"$W/nginx.conf" <<EOF
daemon off; master_process off; worker_processes 1; pid $W/nginx.pid; error_log $W/nginx.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 60s; client_body_temp_path $W/tmp;
  server { listen 127.0.0.1:$NG backlog=4096; root $W/www; } }
EOF
nginx -e "$W/nginx.err" -p "$W" -c "$W/nginx.conf" & NGINX=$!; wait_port "$NG"
load() { timeout $(($2 + 20)) wrk -t1 -c"$CONNS" -d"$2s" "http://127.0.0.1:$1/tiny.txt"; }   # load PORT SECONDS
echo "pair  first-port jar: us/req (requests)   second-port jar: us/req (requests)   B/A"
for pair in $(seq "$PAIRS"); do
  if ((pair % 2)); then jars=("$1" "$2"); names=(A B); else jars=("$2" "$1"); names=(B A); fi
  ports=($(free_port) $(free_port)); procs=()
  for i in 0 1; do   # the flags ./glow proxy uses
    java -Xms16m -Xmx256m -XX:+UseSerialGC -jar "${jars[$i]}" proxy --listen "127.0.0.1:${ports[$i]}" \
      --upstream "127.0.0.1:$NG" >"$W/proxy-$pair-$i.log" 2>&1 & procs+=($!); done
  wait_port "${ports[0]}"; wait_port "${ports[1]}"
  load "${ports[0]}" "$WARM" >/dev/null 2>&1 & w=$!; load "${ports[1]}" "$WARM" >/dev/null 2>&1; wait $w
  t0=($(ticks "${procs[0]}") $(ticks "${procs[1]}"))
  load "${ports[0]}" "$DUR" >"$W/wrk-$pair-0" 2>&1 & w=$!; load "${ports[1]}" "$DUR" >"$W/wrk-$pair-1" 2>&1; wait $w
  t1=($(ticks "${procs[0]}") $(ticks "${procs[1]}"))
  kill "${procs[@]}" 2>/dev/null; wait "${procs[@]}" 2>/dev/null; procs=()
  declare -A us=() n=()
  for i in 0 1; do
    n[${names[$i]}]=$(awk '/requests in/{print $1}' "$W/wrk-$pair-$i")
    [ -n "${n[${names[$i]}]}" ] || { echo "pair $pair: no wrk result, see $W" >&2; exit 1; }
    us[${names[$i]}]=$(awk -v t=$((${t1[$i]} - ${t0[$i]})) -v r="${n[${names[$i]}]}" -v hz="$HZ" 'BEGIN{printf "%.1f", t / hz * 1e6 / r}')
  done
  printf "%4d  %s: %s (%s)   %s: %s (%s)   %.2f\n" "$pair" "${names[0]}" "${us[${names[0]}]}" "${n[${names[0]}]}" \
    "${names[1]}" "${us[${names[1]}]}" "${n[${names[1]}]}" "$(awk -v a="${us[A]}" -v b="${us[B]}" 'BEGIN{print b / a}')"
done
