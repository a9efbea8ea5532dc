// Starting and reaping the daemon's child processes (the decode workers): the only place the
// daemon needs C for that. Foundation's Process cannot be used here: its pipes and its
// termination socket are created inheritable, so a worker started at the same moment as another
// one can inherit the other's descriptors; the other's death then shows no end-of-file and its
// termination is never noticed (measured: 11 of 400 concurrently started children held a
// sibling's descriptors).
#ifndef CPROCESSSPAWN_H
#define CPROCESSSPAWN_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A started child: its pid, the write end of its stdin and the read end of its stdout (both
/// close-on-exec in the parent).
typedef struct {
    pid_t pid;
    int to_child;
    int from_child;
} cps_child;

/// Starts `path` with `argv` and `envp` (NULL-terminated). The child gets a pipe as stdin, a
/// pipe as stdout, /dev/null as stderr and no other descriptor of the parent, default signal
/// dispositions, an empty signal mask and its own process group (a terminal's ^C reaches only
/// the daemon, which then stops its workers in order). Returns 0 or an errno value.
int cps_spawn(const char *path, char *const argv[], char *const envp[], cps_child *out);

/// How a child ended.
typedef struct {
    /// 1 when killed by a signal, 0 when it exited.
    int signaled;
    /// The signal number or the exit status.
    int code;
} cps_termination;

/// Reaps `pid` if it has ended (never blocks). Returns 1 and fills `out` when it ended, 0 while it
/// runs, or -errno (ECHILD: already reaped, or not a child).
int cps_try_reap(pid_t pid, cps_termination *out);

#ifdef __cplusplus
}
#endif

#endif
