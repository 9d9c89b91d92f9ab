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
/// length and the tar, whose members are named after the point's folder)
/// whose `.pesscan/argv`, and when not empty `.pesscan/env`, `.pesscan/limits`
/// and `.pesscan/cleanup`, hold the program's argv, variables and limits. Values
/// are only read with `read -d ''` or `mapfile -d ''` into quoted variables,
/// never evaluated. The site needs bash (4.4 or later), tar and a POSIX login shell.
enum SiteScript {
    /// What the script is asked to do.
    enum Operation: String, Sendable {
        /// Run point after point on this channel: for each request, delete the listed folders, unpack the point's folder
        /// under the remote root, start its program detached, wait for it, send the folder back (then a block with the status).
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

    /// The first bytes of the 512-byte block that ends each `serve` answer, before the exit status.
    static let replyMarker = "pesscan-site-reply "
    /// The 512-byte block (this, then spaces) a `serve` loop sends once it has read a whole request, before it stages it.
    static let takenMarker = "pesscan-site-taken"

    /// The data an operation reads first: remote root, folder name, and a counted list, each NUL-terminated.
    static func header(root: String, name: String, list: [String] = []) -> Data {
        TaskFiles.nulTerminated([root, name, String(list.count)] + list)
    }

    /// The most points one `serve` request may hold.
    static let maximumPointsPerRequest = 64

    /// One `serve` request: the header (with the folders to delete), the points' folder names, and the length and bytes of their tar.
    static func serveRequest(root: String, removals: [String], names: [String], archive: Data) -> Data {
        header(root: root, name: "", list: removals) + TaskFiles.nulTerminated([String(names.count)] + names + [String(archive.count)]) + archive
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
        # One rm for every listed folder; with "background", the caller does not wait for it.
        remove_listed() {
          local paths=() item
          for item in "${list[@]}"; do
            [ -n "$item" ] && paths+=("$root/$item")
          done
          [ "${#paths[@]}" -eq 0 ] && return
          if [ "${1:-}" = background ]; then
            rm -rf -- "${paths[@]}" < /dev/null > /dev/null 2>&1 &
          else
            rm -rf -- "${paths[@]}"
          fi
        }
        # The point's process: enters its folder, takes its variables and limits, then becomes the program (exec, so a
        # point costs one fork); the serve loop that started it records the exit status.
        pesscan_runner() {
          cd -- "$1" || exit 1
          mapfile -d '' -t argv < .pesscan/argv
          if [ -s .pesscan/env ]; then
            mapfile -d '' -t settings < .pesscan/env
            for setting in "${settings[@]}"; do export "$setting"; done
          fi
          if [ -s .pesscan/limits ]; then
            while read -r flag value; do
              ulimit -S "$flag" "$value" 2> /dev/null || ulimit "$flag" "$value" 2> /dev/null || {
                printf 'pesscan: cannot set ulimit %s %s on %s: the hard limit is lower\n' "$flag" "$value" "$HOSTNAME" > stderr.txt
                exit 95
              }
            done < .pesscan/limits
          fi
          exec "${argv[@]}" > stdout.txt 2> stderr.txt
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
        # Unpacks a request's points under the root in one tar (its members are named after the points' folders,
        # so tar makes them). mkdir's and tar's own messages (a full disk, say) go to stderr beside pesscan's line.
        stage_points() {
          for item in "${names[@]}"; do
            [ -e "$root/$item" ] && fail 93 "$root/$item exists already on the site"
          done
          if [ ! -d "$root" ]; then mkdir -p -- "$root" || fail 92 "cannot create $root"; fi
          staged=()
          for item in "${names[@]}"; do staged+=("$root/$item"); done
          if ! tar -C "$root" -xf -; then
            rm -rf -- "${staged[@]}"
            fail 92 "cannot write the points' files under $root"
          fi
          for item in "${names[@]}"; do
            [ -s "$root/$item/.pesscan/argv" ] || { rm -rf -- "${staged[@]}"; fail 91 "no program was sent for $item"; }
          done
        }
        # Starts the point in $dir detached and waits for it; sets status (0 once it ended) and said.
        # Makes the claim file of the point in $dir saying $1, only if it has none (noclobber); status 0 when this call made it.
        # A point is claimed once, as started (by a serve loop) or as given up (by wait or kill), never both.
        claim_point() {
          local made
          set -C
          { printf '%s\n' "$1" > "$dir/.pesscan/claim"; } 2> /dev/null
          made=$?
          set +C
          return "$made"
        }
        # Claims the point in $dir as given up unless it was claimed already; status 0 when this call gave it up. A point
        # not even unpacked (its request lost, or still queued on a dead channel behind another) gets a folder holding
        # just that claim, so that the request, should it still arrive, is refused.
        give_up_unstarted() {
          [ -d "$dir" ] || mkdir -p -- "$dir/.pesscan" 2> /dev/null
          [ -d "$dir" ] && claim_point 'given up'
        }
        run_staged() {
          status=0 said=
          if ! claim_point started; then status=94 said="pesscan-site: the point in $dir was given up before it started"; return; fi
          printf -v started '%(%s)T' -1
          # Its own process group (job control on just for the start), so kill reaches all of it; it outlives the link.
          set -m
          pesscan_runner "$dir" < /dev/null > /dev/null 2>&1 &
          pid=$!
          set +m
          # The claim's second line names the point's process (its group), for kill.
          printf '%s\n' "$pid" >> "$dir/.pesscan/claim"
          wait "$pid" 2> /dev/null
          ended=$?
          # One file at the end: the exit status, the end time, the host name and the start time (files cost inodes).
          # Unless kill wrote it first ("stopped").
          [ -s "$dir/.pesscan/status" ] || printf '%s\n%(%s)T\n%s\n%s\n' "$ended" -1 "$HOSTNAME" "$started" > "$dir/.pesscan/status"
          [ -s "$dir/.pesscan/status" ] || { status=3 said="pesscan-site: the point in $dir left no exit status"; }
        }
        case $op in
          serve)
            # One request after another on this channel, each a header (the folders to delete), the number of points,
            # their folder names, the tar's length and the tar. Once a request is read, a 512-byte block
            # "pesscan-site-taken" says so. The points run one after another; the answer is one tar of the folders of
            # those that ran, then one 512-byte block "pesscan-site-reply <status> …" with each point's status (0 when
            # it ran), then each point's messages ended by a NUL: no lengths to measure.
            exchange=$(mktemp -d "${TMPDIR:-/tmp}/pesscan-serve.XXXXXX") || fail 92 "cannot create a folder for the exchange"
            trap 'rm -rf -- "$exchange"' EXIT
            while read_header; do
              IFS= read -r -d '' points || fail 91 "no number of points was sent"
              case $points in ''|*[^0-9]*|0) fail 91 "the number of points is not a count";; esac
              [ "$points" -le 64 ] || fail 91 "a request holds at most 64 points"  # maximumPointsPerRequest
              names=()
              for ((entry = 0; entry < points; entry++)); do
                IFS= read -r -d '' item || fail 91 "the point names end early"
                names+=("$item")
              done
              IFS= read -r -d '' length || fail 91 "no length was sent"
              case $length in ''|*[^0-9]*) fail 91 "the length is not a number";; esac
              head -c "$length" > "$exchange/in" || fail 92 "cannot keep the points' files in $exchange"
              # The whole request is read: pesscan may now send the next (a head that reads ahead, as busybox's does,
              # would otherwise swallow its first bytes).
              printf '%-512s' pesscan-site-taken  # takenMarker
              # The listed folders (of points already fetched, never reused) are deleted beside the points, by a child
              # of this loop: deleting a request's worth of folders can take a tenth of a second.
              remove_listed background
              ( stage_points ) < "$exchange/in" > /dev/null 2> "$exchange/err"
              staging=$?
              staged_said=
              IFS= read -r -d '' staged_said < "$exchange/err"
              statuses=() messages=() ran=()
              for item in "${names[@]}"; do
                if [ "$staging" -ne 0 ]; then status=$staging said=$staged_said; else dir=$root/$item; run_staged; fi
                [ "$status" -eq 0 ] && ran+=("./$item")
                statuses+=("$status")
                messages+=("$said")
              done
              if [ "${#ran[@]}" -gt 0 ]; then
                if tar -C "$root" -cf "$exchange/out" "${ran[@]}" 2> "$exchange/err"; then
                  cat -- "$exchange/out" || exit 95
                else
                  IFS= read -r -d '' said < "$exchange/err"
                  for ((entry = 0; entry < points; entry++)); do
                    [ "${statuses[entry]}" -eq 0 ] && { statuses[entry]=95; messages[entry]="pesscan-site: cannot pack the folders: $said"; }
                  done
                fi
              fi
              printf '%-512s' "pesscan-site-reply ${statuses[*]}"
              printf '%s\0' "${messages[@]}"
            done
            exit 0
            ;;
          wait)
            # A point never started (its request's link failed first) is given up, so that no serve loop starts it
            # later, and reported unknown: it is retried elsewhere.
            if give_up_unstarted; then fail 94 "the point in $dir never started"; fi
            send_back
            ;;
          kill)
            # A point not started yet never will be; one just started gets a few seconds to name its process.
            give_up_unstarted && exit 0
            if [ -d "$dir" ]; then
              for second in 1 2 3 4 5 6; do
                claim=()
                mapfile -t claim < "$dir/.pesscan/claim"
                [ "${claim[0]:-}" = started ] || exit 0
                [ -n "${claim[1]:-}" ] && break
                sleep 1
              done
            fi
            pid=${claim[1]:-}
            [ -n "$pid" ] || exit 0
            case $pid in *[^0-9]*) fail 96 "the claim file of $dir is damaged";; esac
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
