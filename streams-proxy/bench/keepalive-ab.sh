#!/usr/bin/env bash
# keepalive-ab.sh - the team's proxybench.sh keep-alive test only, for two builds of `glow proxy` (A and B) and
# HAProxy, interleaved in the same minutes: each run measures haproxy, A and B (order reversed every other run).
# Usage: streams-proxy/bench/keepalive-ab.sh A_JAR B_JAR      (from the repository root)
# Env: BENCH (the shared script, default /work/shared/bench/proxybench.sh); everything proxybench.sh reads
#   (RUNS, DUR, WARM, QUIET_MAX, NOISE_MAX, TRIES, PIN, WORK). A_NAME/B_NAME name the columns (glow-a, glow-b).
# The table's ratio columns are then B/haproxy, B/A and A/haproxy. Only 127.0.0.1; every load bounded by the
# shared script (wrk -d, timeout). The JVM flags are those `./glow proxy` uses (see the `glow` launcher).
set -euo pipefail
[ $# -eq 2 ] && [ -f "$1" ] && [ -f "$2" ] || { echo "usage: $0 A_JAR B_JAR (two built app/target/glow.jar copies)" >&2; exit 2; }
BENCH=${BENCH:-/work/shared/bench/proxybench.sh}
[ -r "$BENCH" ] || { echo "no $BENCH: set BENCH to the team's proxybench.sh" >&2; exit 2; }
export A_JAR=$(realpath "$1") B_JAR=$(realpath "$2") A_NAME=${A_NAME:-glow-a} B_NAME=${B_NAME:-glow-b}
copy=$(mktemp /tmp/keepalive-ab.XXXXXX.sh)
trap 'rm -f "$copy"' EXIT
# Three edits to a private copy (the shared script stays as it is); each must match exactly once:
#  1. targets: haproxy, A, B (no direct connection: it measures no proxy);
#  2. the proxy command learns which target it starts (TARGET), to pick the jar;
#  3. only the keep-alive loop runs, in reversed order on even runs.
sed -e 's|^TARGETS="direct haproxy"; .*$|TARGETS="haproxy $A_NAME $B_NAME"|' \
    -e 's|start "\$1" env LISTEN="\$PORT" BACKEND="\$2" \$SV bash -c "\$PUT_CMD"|start "$1" env TARGET="$1" LISTEN="$PORT" BACKEND="$2" $SV bash -c "$PUT_CMD"|' \
    -e '/^  for t in \$TARGETS; do log "run \$RUN \(iperf3\|wrk conn-close\|redis\) /d' \
    -e 's|^  for t in \$TARGETS; do log "run \$RUN wrk keep-alive|  for t in $( ((RUN % 2)) \&\& echo $TARGETS \|\| echo $TARGETS \| tr " " "\\n" \| tac); do log "run $RUN wrk keep-alive|' \
    "$BENCH" >"$copy"
for want in 'TARGETS="haproxy $A_NAME $B_NAME"' 'env TARGET="$1"' 'tac); do log "run $RUN wrk keep-alive'; do
  [ "$(grep -cF -- "$want" "$copy")" = 1 ] || { echo "$BENCH changed: could not apply edit '$want'" >&2; exit 2; }; done
! grep -q '^  for t in \$TARGETS' "$copy" || { echo "$BENCH changed: other tests still in the copy" >&2; exit 2; }
chmod +x "$copy"
# The jar is chosen by target name; flags as ./glow proxy (Serial GC, small heap).
bash "$copy" glow 'case $TARGET in "$A_NAME") jar=$A_JAR ;; "$B_NAME") jar=$B_JAR ;; *) exit 2 ;; esac
  exec java -Xms16m -Xmx256m -XX:+UseSerialGC -jar "$jar" proxy --listen 127.0.0.1:$LISTEN --upstream 127.0.0.1:$BACKEND'
