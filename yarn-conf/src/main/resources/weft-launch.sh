#!/bin/bash
# Starts a Weft container's JVM ("$@": the java binary and its arguments) with a class-data sharing (CDS) archive
# of Weft's framework jars when this node has one for them, and builds one when it has not. Staged by the client
# with weft.yarn.classDataSharing (io.weft.yarnconf.ContainerCommands); see docs/operations.md ("Class-data sharing
# in containers") and docs/security.md.
#
# Environment (set by the launch context; YARN sets LOCAL_DIRS and CONTAINER_ID):
#   WEFT_CDS_JARS  the framework jars' link names under __weft_jars__, in class path order, ':'-separated.
#   WEFT_CDS_DUMP  true where the container has room for a dump beside its JVM (ContainerCommands.CDS_DUMP_ROOM_MB).
#   WEFT_CDS_RETRY_AFTER_S  (optional, from weft.executorEnv.* / weft.yarn.appMasterEnv.*) how long after an attempt
#                  that left no archive the next may start (default RETRY_AFTER_S).
#   WEFT_CDS_NICE  (optional, the same way) the dump's niceness (default DUMP_NICENESS).
#
# Any step that fails runs the JVM exactly as given: an archive only ever makes a start faster. The JVM itself
# checks an archive against the jars it names (path, size, modification time) and the JDK's build, and runs
# without it on any mismatch (-Xshare:auto).
#
# Where: <local dir>/usercache/<user>/weft-cds, beside the NodeManager's caches for this user, created owner-only
# (0700). An archive is code the JVM trusts, so it is built only from jars that the NodeManager localized as PUBLIC
# (Weft's framework jars, world-readable already) by a JVM that runs no Weft or application code (-Xshare:dump from
# a class list), and used only when the directory is this user's own and not writable by anyone else.
#
# How: while a node has no archive for a JDK and jar set, its containers' JVMs record the classes they load
# (-XX:DumpLoadedClassList, one list per container, at most KEEP_LISTS). A container with room beside its JVM
# (WEFT_CDS_DUMP), once other containers' lists have not grown for LIST_AGE_S, dumps an archive from them while its
# JVM runs: under an flock (one dump per node and jar set), niced, limited to DUMP_LIMIT_S, into a temporary file
# renamed into place when complete. The dump stays inside the container: the JVM runs as a child of this script,
# which waits for the dump after a JVM that ended with status 0, and stops it on any other ending; YARN stopping
# the container stops both. A dump cut short is tried again by a container starting RETRY_AFTER_S later. Archives
# are named by a digest of the JDK and the resolved jar paths, so a new version, or a jar the NodeManager localized
# again, gets a new archive; the newest KEEP_ARCHIVES (by when they were dumped) are kept.
set -u

LIST_AGE_S=10
KEEP_ARCHIVES=4
KEEP_LISTS=8
RETRY_AFTER_S=600
DUMP_LIMIT_S=60
# Below the JVMs' own priority: a dump takes what CPU the node's jobs leave (so a node whose executors keep their
# cores busy until their containers are stopped rarely finishes one; AMs and idle executors do).
DUMP_NICENESS=10

plain() {
    exec "$@"
}

java_bin="$1"
shift

[ -n "${WEFT_CDS_JARS:-}" ] && [ -n "${LOCAL_DIRS:-}" ] && [ -n "${CONTAINER_ID:-}" ] || plain "$java_bin" "$@"
first_local="${LOCAL_DIRS%%,*}"
case "$first_local" in
    */usercache/*/appcache/*) ;;
    *) plain "$java_bin" "$@" ;;
esac
store="${first_local%/appcache/*}/weft-cds"
if [ ! -d "$store" ]; then
    (umask 077 && mkdir -p "$store/lists") 2>/dev/null || plain "$java_bin" "$@"
fi
# Our own directory, a real one, and nobody else may write into it (or read the lists, which name the
# application's classes too).
if [ -L "$store" ] || [ ! -O "$store" ] || [ "$(stat -c %a "$store" 2>/dev/null)" != "700" ]; then
    echo "weft-launch: not using $store for class-data sharing: not a directory of this user's with mode 700" >&2
    plain "$java_bin" "$@"
fi
[ -d "$store/lists" ] || mkdir "$store/lists" 2>/dev/null || plain "$java_bin" "$@"

# One readlink for every jar and the JVM (each fork costs a few milliseconds of the container's start).
IFS=: read -r -a links <<< "$WEFT_CDS_JARS"
paths=("$java_bin")
for link in "${links[@]}"; do
    paths+=("__weft_jars__/$link")
done
mapfile -t targets < <(readlink -f -- "${paths[@]}" 2>/dev/null)
[ "${#targets[@]}" -eq "${#paths[@]}" ] || plain "$java_bin" "$@"
java_real="${targets[0]}"
resolved=""
for target in "${targets[@]:1}"; do
    case "$target" in
        *:*|"") plain "$java_bin" "$@" ;;
    esac
    [ -f "$target" ] || plain "$java_bin" "$@"
    resolved="$resolved${resolved:+:}$target"
done
read -r key _ < <(sha256sum <<< "$java_real"$'\n'"$resolved")
key="${key:0:32}"
archive="$store/$key.jsa"
# The archived jars first, in the order they were dumped; the container's own class path (its directory, all
# its jars again, the cluster's) after them. The JVM accepts other paths to the same files, but not another order,
# and not a non-empty directory before them.
export CLASSPATH="$resolved${CLASSPATH:+:$CLASSPATH}"

if [ -f "$archive" ] && [ ! -L "$archive" ] && [ -O "$archive" ]; then
    echo "weft-launch: class-data sharing archive $archive" >&2
    exec "$java_bin" "-XX:SharedArchiveFile=$archive" -Xshare:auto "$@"
fi

list="$store/lists/$CONTAINER_ID.lst"
lists=("$store"/lists/*.lst)
record=("-XX:DumpLoadedClassList=$list")
if [ -e "${lists[0]}" ] && [ "${#lists[@]}" -ge "$KEEP_LISTS" ]; then
    # Enough lists for a dump already (and a bound on the disk they take while none succeeds).
    record=()
fi
printf -v now '%(%s)T' -1
lock="$store/$key.lock"
# Other containers' lists count once they have not grown for LIST_AGE_S (their JVMs are past their start).
ready=()
for candidate in "${lists[@]}"; do
    [ -f "$candidate" ] && [ ! -L "$candidate" ] || continue
    if [ $((now - $(stat -c %Y "$candidate"))) -ge "$LIST_AGE_S" ]; then
        ready+=("$candidate")
    fi
done
# A dump that did not finish (its container was stopped first) is not tried again on this node for
# RETRY_AFTER_S: each attempt costs seconds of CPU beside the JVMs starting on the node.
if [ "${WEFT_CDS_DUMP:-false}" != true ] || [ "${#ready[@]}" -eq 0 ] || ! command -v flock >/dev/null 2>&1 \
        || { [ -f "$lock" ] \
        && [ $((now - $(stat -c %Y "$lock"))) -lt "${WEFT_CDS_RETRY_AFTER_S:-$RETRY_AFTER_S}" ]; }; then
    echo "weft-launch: no class-data sharing archive for these jars on this node yet${record:+; recording $list}" >&2
    exec "$java_bin" ${record[@]+"${record[@]}"} "$@"
fi

# Dump an archive beside the JVM, in this container (its memory and its process group, so YARN's accounting and
# its stopping of the container cover the dump too). The JVM runs as a child of this script, which passes YARN's
# signals on and, when the JVM ends with status 0, waits for the dump before the container ends; any other ending
# stops the dump.
echo "weft-launch: no class-data sharing archive for these jars on this node yet${record:+; recording $list};" \
    "dumping one from ${#ready[@]} lists beside the JVM" >&2
dump() {
    exec 9>"$lock" && flock -n 9 || exit 0 # opening the lock for writing also stamps the attempt's time on it
    [ -f "$archive" ] && exit 0
    local tmp="$store/$key.jsa.tmp.$BASHPID" candidate dumper=""
    trap 'kill -TERM "$dumper" 2>/dev/null; rm -f "$tmp" "$tmp.classlist"; exit 1' TERM
    trap 'rm -f "$tmp" "$tmp.classlist"' EXIT
    : > "$tmp.classlist" || exit 0
    for candidate in "${ready[@]}"; do
        # A list's last line counts only when its JVM finished writing it (a cut @lambda-proxy line fails the dump).
        if [ -n "$(tail -c 1 "$candidate")" ]; then
            head -n -1 "$candidate" >> "$tmp.classlist"
        else
            cat "$candidate" >> "$tmp.classlist"
        fi
    done
    # Each class once, in the order first listed: a class list names a class after its supertypes.
    awk '!seen[$0]++' "$tmp.classlist" > "$tmp.classlist.unique" && mv -f "$tmp.classlist.unique" "$tmp.classlist" \
        || exit 0
    timeout "$DUMP_LIMIT_S" nice -n "${WEFT_CDS_NICE:-$DUMP_NICENESS}" "$java_bin" -Xshare:dump -Xmx128m -XX:+UseSerialGC \
        "-XX:SharedClassListFile=$tmp.classlist" "-XX:SharedArchiveFile=$tmp" -cp "$resolved" \
        > "$store/$key.log" 2>&1 &
    dumper=$!
    wait "$dumper" || exit 0
    mv -f "$tmp" "$archive"
    # The newest archives stay; older ones name jars that are gone or another version's.
    ls -1t "$store"/*.jsa 2>/dev/null | tail -n +$((KEEP_ARCHIVES + 1)) | xargs -r rm -f
    ls -1t "$store"/lists/*.lst 2>/dev/null | tail -n +$((KEEP_LISTS + 1)) | xargs -r rm -f
}
dump < /dev/null > /dev/null 2>&1 &
dumping=$!
terminated=false
trap 'terminated=true; kill -TERM "$pid" "$dumping" 2>/dev/null' TERM INT HUP
"$java_bin" ${record[@]+"${record[@]}"} "$@" &
pid=$!
while :; do
    wait "$pid"
    rc=$?
    kill -0 "$pid" 2>/dev/null || break
done
if [ "$terminated" = false ] && [ "$rc" -eq 0 ]; then
    wait "$dumping"
else
    kill -TERM "$dumping" 2>/dev/null
    wait "$dumping"
fi
exit "$rc"
