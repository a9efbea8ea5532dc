#define _GNU_SOURCE
#include "cprocessspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

/// A pipe whose two ends are close-on-exec and numbered 3 or above (an end numbered 0–2 would be
/// its own dup2 target, and dup2 onto itself keeps close-on-exec set).
static int cps_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return errno;
    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 3) continue;
        int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
        if (moved < 0) {
            int saved = errno;
            close(fds[0]);
            close(fds[1]);
            return saved;
        }
        close(fds[i]);
        fds[i] = moved;
    }
    return 0;
}

int cps_spawn(const char *path, char *const argv[], char *const envp[], cps_child *out) {
    int input[2], output[2];
    int rc = cps_pipe(input);
    if (rc != 0) return rc;
    rc = cps_pipe(output);
    if (rc != 0) {
        close(input[0]);
        close(input[1]);
        return rc;
    }

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    if ((rc = posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO)) == 0 &&
        (rc = posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)) == 0 &&
        (rc = posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)) == 0 &&
        (rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0 &&
        (rc = posix_spawnattr_setsigmask(&attributes, &none)) == 0 &&
        (rc = posix_spawnattr_setsigdefault(&attributes, &all)) == 0 &&
        (rc = posix_spawnattr_setpgroup(&attributes, 0)) == 0 &&
        (rc = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP)) == 0) {
        rc = posix_spawn(&out->pid, path, &actions, &attributes, argv, envp);
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);

    close(input[0]);
    close(output[1]);
    if (rc != 0) {
        close(input[1]);
        close(output[0]);
        return rc;
    }
    out->to_child = input[1];
    out->from_child = output[0];
    return 0;
}

int cps_try_reap(pid_t pid, cps_termination *out) {
    int status = 0;
    pid_t rc;
    do {
        rc = waitpid(pid, &status, WNOHANG);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return -errno;
    if (rc == 0) return 0;
    if (WIFSIGNALED(status)) {
        out->signaled = 1;
        out->code = WTERMSIG(status);
    } else {
        out->signaled = 0;
        out->code = WEXITSTATUS(status);
    }
    return 1;
}
