import Foundation

/// The one fixed program pesscan runs on a site, with everything it needs sent as data on its stdin.
///
/// `ssh` hands the remote login shell a single string, so pesscan never puts
/// a value in it: the string is always `exec bash -c '<this script>'
/// pesscan-site <operation> <seconds>`, where the operation is one of a fixed
/// set of words and the seconds a number pesscan chose. Every value arrives
/// on stdin as data: first NUL-terminated fields (the remote root, the
/// point's folder name, a count and that many list entries: folders to
/// delete, programs to look for, an argv to run), then for `stage` a tar
/// (for `serve`, many such requests, each header followed by its tar's
/// length and the tar) whose `.pesscan/argv`, `.pesscan/env`, `.pesscan/limits` and
/// `.pesscan/cleanup` hold the program's argv, variables and limits. Values
/// are only read with `read -d ''` or `mapfile -d ''` into quoted variables,
/// never evaluated. The site needs bash (4.4 or later), tar and a POSIX login shell.
enum SiteScript {
    /// What the script is asked to do.
    enum Operation: String, Sendable {
        /// Run point after point on this channel: for each request, delete the listed folders, unpack the point's folder
        /// under the remote root, start its program detached, wait for it, send the folder back (framed with status and lengths).
        case serve
        /// Wait (up to the given seconds) for a started point to finish and send its folder back; exit 3 while it runs.
        case wait
        /// Stop a started point's program (its whole process group).
        case kill
        /// Delete the listed folders (relative to the remote root).
        case remove
        /// Unpack a tar whose top folders `0`, `1`, … become the listed folders under the remote root (a batch's files).
        case stage
        /// Run the listed argv in the remote root and pass on its output and exit status (Slurm's commands on a login node).
        case exec
        /// Send back, in one tar, those of the listed folders whose batch task left its exit status.
        case fetch
        /// Report what the site has: host name, whether the remote root is writable, where the listed programs are, whether listed images are there.
        ///
        /// A list entry is a program name, or `runtime<TAB>image` to ask the site's runtime for an image.
        case check
    }

    /// Exit status meaning the point is still running (``Operation/wait``).
    static let stillRunning: Int32 = 3
    /// Exit status meaning the site has no folder for the point.
    static let unknownPoint: Int32 = 94
    /// Exit status of a staging failure: the point's folder could not be made or filled (a full disk, say).
    static let stagingFailed: Int32 = 92

    /// The remote command string for `operation`: constant apart from the operation word and a number.
    static func command(_ operation: Operation, waitSeconds: Int = 30) -> String {
        "exec bash -c \(quotedSource) pesscan-site \(operation.rawValue) \(max(0, waitSeconds))"
    }

    /// The script in single quotes for the remote login shell, quoted once.
    private static let quotedSource = "'" + source.replacingOccurrences(of: "'", with: "'\\''") + "'"

    /// The data an operation reads first: remote root, folder name, and a counted list, each NUL-terminated.
    static func header(root: String, name: String, list: [String] = []) -> Data {
        TaskFiles.nulTerminated([root, name, String(list.count)] + list)
    }

    /// The script itself; it reads `.pesscan/root` and `.pesscan/name` (and for `run` the point's files) from a tar on stdin.
    static let source = #"""
        set -u
        op=${1:-}
        wait_limit=${2:-30}
        fail() { code=$1; shift; printf 'pesscan-site: %s\n' "$*" >&2; exit "$code"; }
        # Reads one header (root, name, a counted list) from stdin; status 1 at the end of the input.
        read_header() {
          IFS= read -r -d '' root || return 1
          IFS= read -r -d '' name || fail 91 "no folder name was sent"
          IFS= read -r -d '' count || fail 91 "no list was sent"
          case $count in ''|*[^0-9]*) fail 91 "the list length is not a number";; esac
          list=()
          for ((entry = 0; entry < count; entry++)); do
            IFS= read -r -d '' item || fail 91 "the list ends early"
            list+=("$item")
          done
          dir=$root/$name
        }
        if [ "$op" != serve ]; then
          read_header || fail 91 "no remote root was sent"
        fi
        remove_listed() {
          for item in "${list[@]}"; do
            [ -n "$item" ] && rm -rf -- "$root/$item"
          done
        }
        pesscan_runner() {
          cd -- "$1" || exit 1
          printf '%s\n' "$HOSTNAME" > .pesscan/host
          mapfile -d '' -t argv < .pesscan/argv
          if [ -s .pesscan/env ]; then
            mapfile -d '' -t settings < .pesscan/env
            for setting in "${settings[@]}"; do export "$setting"; done
          fi
          if [ -s .pesscan/limits ]; then
            while read -r flag value; do
              ulimit -S "$flag" "$value" 2> /dev/null || ulimit "$flag" "$value" 2> /dev/null || {
                printf 'pesscan: cannot set ulimit %s %s on %s: the hard limit is lower\n' "$flag" "$value" "$HOSTNAME" > stderr.txt
                printf '95\n' > .pesscan/status
                exit 95
              }
            done < .pesscan/limits
          fi
          printf '%(%s)T\n' -1 > .pesscan/started
          "${argv[@]}" > stdout.txt 2> stderr.txt
          status=$?
          printf '%(%s)T\n' -1 > .pesscan/ended
          printf '%s\n' "$status" > .pesscan/status
        }
        send_back() {
          waited=0
          while [ ! -s "$dir/.pesscan/status" ]; do
            [ -d "$dir" ] || fail 94 "the site has no folder $dir for this point"
            [ "$waited" -ge "$wait_limit" ] && exit 3
            sleep 1
            waited=$((waited + 1))
          done
          tar -C "$dir" -cf - . || fail 95 "cannot pack $dir"
          exit 0
        }
        run_point() {
          remove_listed
          # mkdir's and tar's own messages (a full disk, say) go to stderr beside pesscan's line.
          [ -e "$dir" ] && fail 93 "$dir exists already on the site"
          mkdir -p -- "$dir" || fail 92 "cannot create $dir"
          if ! tar -C "$dir" -xf -; then
            rm -rf -- "$dir"
            fail 92 "cannot write the point's files to $dir"
          fi
          [ -s "$dir/.pesscan/argv" ] || { rm -rf -- "$dir"; fail 91 "no program was sent"; }
          # Its own process group (job control on just for the start), so kill reaches all of it; it outlives the link.
          set -m
          pesscan_runner "$dir" < /dev/null > /dev/null 2>&1 &
          pid=$!
          set +m
          printf '%s\n' "$pid" > "$dir/.pesscan/pid"
          wait "$pid" 2> /dev/null
          send_back
        }
        case $op in
          serve)
            # One run after another on this channel: each a header, its tar's length and the tar; each answered
            # with three 20-digit numbers (exit status, stdout and stderr lengths), then that stdout and stderr.
            exchange=$(mktemp -d "${TMPDIR:-/tmp}/pesscan-serve.XXXXXX") || fail 92 "cannot create a folder for the exchange"
            trap 'rm -rf -- "$exchange"' EXIT
            while read_header; do
              IFS= read -r -d '' length || fail 91 "no length was sent"
              case $length in ''|*[^0-9]*) fail 91 "the length is not a number";; esac
              head -c "$length" > "$exchange/in" || fail 92 "cannot keep the point's files in $exchange"
              ( run_point ) < "$exchange/in" > "$exchange/out" 2> "$exchange/err"
              status=$?
              sizes=$(wc -c -- "$exchange/out" "$exchange/err") || fail 95 "cannot measure the answer"
              { read -r out_size _; read -r err_size _; } <<< "$sizes"
              printf '%020d%020d%020d' "$status" "$out_size" "$err_size"
              cat -- "$exchange/out" "$exchange/err"
            done
            exit 0
            ;;
          wait)
            send_back
            ;;
          kill)
            [ -r "$dir/.pesscan/pid" ] || exit 0
            pid=$(< "$dir/.pesscan/pid")
            case $pid in ''|*[^0-9]*) fail 96 "the pid file of $dir is damaged";; esac
            kill -TERM -- "-$pid" 2> /dev/null || kill -TERM "$pid" 2> /dev/null
            for second in 1 2 3 4 5; do
              kill -0 -- "-$pid" 2> /dev/null || break
              sleep 1
            done
            kill -KILL -- "-$pid" 2> /dev/null
            if [ -s "$dir/.pesscan/cleanup" ]; then
              mapfile -d '' -t cleanup < "$dir/.pesscan/cleanup"
              "${cleanup[@]}" > /dev/null 2>&1
            fi
            [ -s "$dir/.pesscan/status" ] || printf 'stopped\n' > "$dir/.pesscan/status"
            exit 0
            ;;
          remove)
            remove_listed
            exit 0
            ;;
          stage)
            why=$(mkdir -p -- "$root" 2>&1) || fail 92 "cannot create $root: $why"
            staging=$(mktemp -d "$root/.pesscan-stage.XXXXXX") || fail 92 "cannot create a staging folder in $root"
            trap 'rm -rf -- "$staging"' EXIT
            if ! why=$(tar -C "$staging" -xf - 2>&1); then fail 92 "cannot write the batch's files to $root: $why"; fi
            for ((entry = 0; entry < ${#list[@]}; entry++)); do
              target=$root/${list[entry]}
              why=$(mkdir -p -- "${target%/*}" 2>&1) || fail 92 "cannot create the folder of $target: $why"
              rm -rf -- "$target"
              why=$(mv -- "$staging/$entry" "$target" 2>&1) || fail 92 "cannot place $target: $why"
            done
            exit 0
            ;;
          exec)
            [ "${#list[@]}" -gt 0 ] || fail 91 "no command was sent"
            cd -- "$root" 2> /dev/null || cd || fail 92 "cannot enter $root"
            "${list[@]}"
            exit $?
            ;;
          fetch)
            finished=()
            for item in "${list[@]}"; do
              [ -s "$root/$item/pesscan-exit" ] && finished+=("./$item")
            done
            [ "${#finished[@]}" -eq 0 ] && exit 0
            tar -C "$root" -cf - "${finished[@]}" || fail 95 "cannot pack the finished folders"
            exit 0
            ;;
          check)
            printf 'host\t%s\n' "$HOSTNAME"
            if mkdir -p -- "$root" 2> /dev/null && probe=$(mktemp "$root/.pesscan-probe.XXXXXX" 2> /dev/null); then
              rm -f -- "$probe"
              printf 'root\twritable\n'
            else
              printf 'root\tnot writable\n'
            fi
            for item in "${list[@]}"; do
              case $item in
                *$'\t'*)
                  if "${item%%$'\t'*}" image inspect "${item#*$'\t'}" > /dev/null 2>&1; then
                    printf 'image\t%s\tpresent\n' "${item#*$'\t'}"
                  else
                    printf 'image\t%s\tmissing\n' "${item#*$'\t'}"
                  fi
                  ;;
                *)
                  printf 'program\t%s\t%s\n' "$item" "$(command -v -- "$item" 2> /dev/null)"
                  ;;
              esac
            done
            exit 0
            ;;
          *)
            fail 97 "unknown operation $op"
            ;;
        esac
        """#
}
