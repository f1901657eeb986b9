#!/bin/bash
# Starts a Weft container's JVM ("$@": the java binary and its arguments) with a class-data sharing (CDS) archive
# of Weft's framework jars when this node has one for them, and builds one when it has not. Written by
# io.weft.yarnconf.ContainerCommands; see docs/yarn.md ("Class-data sharing in containers") and docs/security.md.
#
# Environment (set by the launch context; YARN sets LOCAL_DIRS and CONTAINER_ID):
#   WEFT_CDS_JARS  the framework jars' link names under __weft_jars__, in class path order, ':'-separated.
#   WEFT_CDS_DUMP  true where this container has the memory for a dump beside its JVM (ContainerCommands).
#   WEFT_CDS_RETRY_AFTER_S  (optional, from weft.executorEnv.* / weft.yarn.appMasterEnv.*) how long after an attempt
#                  that left no archive the next may start (default RETRY_AFTER_S).
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
# How: the first containers on a node record the classes their JVM loads (-XX:DumpLoadedClassList, one list per
# container). A later container, once a list is at least LIST_AGE_S old, dumps an archive from the lists in the
# background, at a lower priority, under an flock (one dump per node and jar set), into a temporary file that is
# renamed into place only when complete. The container that dumps may end before the dump does (YARN stops its
# process group); a container starting RETRY_AFTER_S later tries again. Archives are named by a digest of the JDK and the resolved jar paths, so a new version, or a jar
# the NodeManager localized again, gets a new archive; the newest KEEP_ARCHIVES are kept.
set -u

LIST_AGE_S=10
KEEP_ARCHIVES=4
KEEP_LISTS=8
RETRY_AFTER_S=600

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
mkdir -p "$store/lists" 2>/dev/null || plain "$java_bin" "$@"

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
key="$(printf '%s\n%s\n' "$java_real" "$resolved" | sha256sum)"
key="${key:0:32}"
archive="$store/$key.jsa"
# The archived jars first, in the order they were dumped; the container's own class path (its directory, all
# its jars again, the cluster's) after them. The JVM accepts other paths to the same files, but not another order,
# and not a non-empty directory before them.
export CLASSPATH="$resolved${CLASSPATH:+:$CLASSPATH}"

if [ -f "$archive" ] && [ ! -L "$archive" ] && [ -O "$archive" ]; then
    touch -c "$archive" 2>/dev/null
    echo "weft-launch: class-data sharing archive $archive" >&2
    exec "$java_bin" "-XX:SharedArchiveFile=$archive" -Xshare:auto "$@"
fi

list="$store/lists/$CONTAINER_ID.lst"
printf -v now '%(%s)T' -1
lists=0
ready=()
for candidate in "$store"/lists/*.lst; do
    [ -f "$candidate" ] && [ ! -L "$candidate" ] || continue
    lists=$((lists + 1))
    if [ $((now - $(stat -c %Y "$candidate"))) -ge "$LIST_AGE_S" ]; then
        ready+=("$candidate")
    fi
done
# A dump that did not finish (its container ended first) is not tried again on this node for RETRY_AFTER_S: each
# attempt costs seconds of CPU that the containers starting beside it would rather have.
lock="$store/$key.lock"
retry=true
if [ -f "$lock" ] && [ $((now - $(stat -c %Y "$lock"))) -lt "${WEFT_CDS_RETRY_AFTER_S:-$RETRY_AFTER_S}" ]; then
    retry=false
fi
if [ "${WEFT_CDS_DUMP:-false}" = true ] && [ "$retry" = true ] && [ "${#ready[@]}" -gt 0 ] \
        && command -v flock >/dev/null 2>&1; then
    echo "weft-launch: dumping an archive for these jars in the background into $archive" >&2
    (
        # Opening the lock for writing also stamps the attempt's time on it.
        exec 9>"$lock" && flock -n 9 || exit 0
        [ -f "$archive" ] && exit 0
        tmp="$store/$key.jsa.tmp.$$"
        trap 'rm -f "$tmp" "$tmp.classlist"' EXIT
        # The lists in order, each class once: a class list names a class after its supertypes.
        awk '!seen[$0]++' "${ready[@]}" > "$tmp.classlist" || exit 0
        nice -n 10 "$java_bin" -Xshare:dump -Xmx128m -XX:+UseSerialGC "-XX:SharedClassListFile=$tmp.classlist" \
            "-XX:SharedArchiveFile=$tmp" -cp "$resolved" > "$store/$key.log" 2>&1 || exit 0
        mv -f "$tmp" "$archive"
        # The newest archives stay; older ones name jars that are gone or another version's.
        ls -1t "$store"/*.jsa 2>/dev/null | tail -n +$((KEEP_ARCHIVES + 1)) | xargs -r rm -f
        ls -1t "$store"/lists/*.lst 2>/dev/null | tail -n +$((KEEP_LISTS + 1)) | xargs -r rm -f
    ) < /dev/null > /dev/null 2>&1 &
fi
if [ "$lists" -ge "$KEEP_LISTS" ]; then
    # Enough lists for a dump already (and a bound on the disk they take while none succeeds).
    echo "weft-launch: no class-data sharing archive for these jars on this node yet" >&2
    exec "$java_bin" "$@"
fi
echo "weft-launch: no class-data sharing archive for these jars on this node yet; recording $list" >&2
exec "$java_bin" "-XX:DumpLoadedClassList=$list" "$@"
