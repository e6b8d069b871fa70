# Sourced by the load scripts: start_server DB [serve flags...] starts
# `convsent serve` on a free port in the background, its output in
# $work/serve.out, and sets $server (its pid) and $port. Needs $build and
# $work.
start_server() {
  local db=$1
  shift
  "$build/convsent" serve --db "$db" --port 0 "$@" > "$work/serve.out" 2>&1 &
  server=$!
  port=
  for _ in $(seq 50); do
    port=$(grep -ao 'http://127.0.0.1:[0-9]*' "$work/serve.out" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "convsent serve did not start:" >&2
  cat "$work/serve.out" >&2
  return 1
}
