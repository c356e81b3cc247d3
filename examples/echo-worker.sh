#!/bin/sh
# Example Bosun worker: echoes every inbox message back through the outbox.
#
# For each inbox file, in name (= seq) order, it writes an outbox file
#   {"event_type":"echo","received":<the inbox file's JSON, verbatim>}
# and then deletes the inbox file. On start it writes {"event_type":"ready"}. It exits 0 on SIGTERM
# or SIGINT, between two files, so it never leaves a message half handled.
#
# Test hook: an inbox file containing the string "exit_now" (with the quotes, e.g. the payload
# {"cmd":"exit_now"}) makes the worker delete that file and exit with code 7, so tests can simulate
# a crashing worker (deleting it first means a restarted worker does not crash on it again).
#
# Plain POSIX sh (dash, busybox sh); no jq: the inbox file is valid JSON, so embedding it as is
# yields valid JSON.

set -u
stop=0
# Only note the signal here; the loop exits at the next safe point.
trap 'stop=1' TERM INT

: "${BOSUN_INBOX:?BOSUN_INBOX is not set}"
: "${BOSUN_OUTBOX:?BOSUN_OUTBOX is not set}"

# Writes $2 as the outbox file $1 (a name ending in .json): first as a *.tmp file, which Bosun
# ignores, then renamed, so Bosun never reads a half-written file.
put() {
    printf '%s\n' "$2" > "$BOSUN_OUTBOX/${1%.json}.tmp" &&
        mv -f "$BOSUN_OUTBOX/${1%.json}.tmp" "$BOSUN_OUTBOX/$1"
}

put 00000000000000000000-ready.json '{"event_type":"ready"}' || exit 1
echo "echo-worker: ready (session ${BOSUN_SESSION_ID:-?})" >&2

while [ "$stop" = 0 ]; do
    # Globs expand in sorted order; inbox names are zero-padded seqs, so this is seq order.
    # *.json does not match the *.json.tmp files Bosun is still writing.
    for f in "$BOSUN_INBOX"/*.json; do
        # With an empty inbox the pattern stays unexpanded: there is no such file.
        [ -f "$f" ] || continue
        content=$(cat "$f") || continue
        case $content in
            *'"exit_now"'*)
                rm -f "$f"
                echo "echo-worker: exit_now received, exiting with 7" >&2
                exit 7
                ;;
        esac
        name=${f##*/}
        put "$name" "{\"event_type\":\"echo\",\"received\":$content}" || exit 1
        rm -f "$f"
        [ "$stop" = 0 ] || break
    done
    [ "$stop" = 0 ] || break
    sleep 0.005
done
echo "echo-worker: stopping" >&2
exit 0
