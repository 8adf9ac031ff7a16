/**
 * The syscalls of the default seccomp profile, grouped by what a program uses them for. Written
 * for ForgeOne from the syscall tables (not copied from another profile), in the spirit of
 * Docker's and containerd's defaults: allow what ordinary Linux programs need; leave out what
 * reaches kernel state that is not namespaced (clock, keyrings, modules, swap, accounting) or
 * that is a frequent source of kernel exploits (bpf, perf, io_uring, userfaultfd).
 * A name the kernel or an architecture does not know is skipped by the OCI runtime, so 32-bit
 * variants (`*_time64`, `*32`) sit beside their 64-bit forms.
 */

/** Always allowed, whatever the capabilities. */
export const ALLOWED_SYSCALL_GROUPS: Readonly<Record<string, readonly string[]>> = {
  // Starting, ending and waiting for processes (clone/clone3 are conditional: see seccomp.ts).
  process: [
    'execve', 'execveat', 'exit', 'exit_group', 'fork', 'vfork', 'wait4', 'waitid', 'waitpid',
    'getpid', 'getppid', 'gettid', 'set_tid_address', 'getpgid', 'setpgid', 'getpgrp', 'getsid',
    'setsid', 'restart_syscall', 'prctl', 'seccomp', 'capget', 'capset', 'set_robust_list',
    'get_robust_list', 'rseq', 'getrusage', 'times', 'prlimit64', 'getrlimit', 'setrlimit',
    'ugetrlimit', 'getpriority', 'setpriority', 'nice', 'ioprio_get', 'ioprio_set', 'membarrier',
    'getcpu', 'uname', 'sysinfo', 'getrandom', 'umask', 'pidfd_open', 'pidfd_send_signal',
  ],
  // The scheduler only ever affects this container's own threads.
  scheduler: [
    'sched_yield', 'sched_getaffinity', 'sched_setaffinity', 'sched_getparam', 'sched_setparam',
    'sched_getscheduler', 'sched_setscheduler', 'sched_get_priority_max', 'sched_get_priority_min',
    'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'sched_getattr', 'sched_setattr',
  ],
  // Switching users; the kernel still checks CAP_SETUID/CAP_SETGID.
  credentials: [
    'getuid', 'geteuid', 'getgid', 'getegid', 'getuid32', 'geteuid32', 'getgid32', 'getegid32',
    'setuid', 'setuid32', 'setgid', 'setgid32', 'setreuid', 'setreuid32', 'setregid', 'setregid32',
    'setresuid', 'setresuid32', 'setresgid', 'setresgid32', 'getresuid', 'getresuid32', 'getresgid',
    'getresgid32', 'getgroups', 'getgroups32', 'setgroups', 'setgroups32', 'setfsuid', 'setfsuid32',
    'setfsgid', 'setfsgid32',
  ],
  signals: [
    'kill', 'tkill', 'tgkill', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'rt_sigpending',
    'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'rt_sigqueueinfo',
    'rt_tgsigqueueinfo', 'sigaction', 'sigprocmask', 'sigreturn', 'sigpending', 'sigsuspend',
    'sigaltstack', 'signal', 'signalfd', 'signalfd4', 'pause', 'alarm',
  ],
  // Memory management of the process itself (NUMA placement needs CAP_SYS_NICE, see below).
  memory: [
    'brk', 'mmap', 'mmap2', 'munmap', 'mremap', 'mprotect', 'pkey_mprotect', 'pkey_alloc',
    'pkey_free', 'madvise', 'mlock', 'mlock2', 'munlock', 'mlockall', 'munlockall', 'mincore',
    'msync', 'remap_file_pages', 'memfd_create', 'memfd_secret', 'get_mempolicy', 'cachestat',
    'map_shadow_stack', 'mseal',
  ],
  // Reading and writing file descriptors.
  fileIo: [
    'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'preadv', 'pwritev', 'preadv2',
    'pwritev2', 'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'lseek', '_llseek',
    'dup', 'dup2', 'dup3', 'fcntl', 'fcntl64', 'ioctl', 'flock', 'fsync', 'fdatasync', 'sync',
    'syncfs', 'sync_file_range', 'fadvise64', 'fadvise64_64', 'fallocate', 'ftruncate',
    'ftruncate64', 'truncate', 'truncate64', 'sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice',
    'copy_file_range', 'readahead', 'pipe', 'pipe2',
  ],
  // File metadata: stat, permissions, ownership, times, extended attributes.
  fileMetadata: [
    'stat', 'stat64', 'lstat', 'lstat64', 'fstat', 'fstat64', 'newfstatat', 'fstatat64', 'statx',
    'statfs', 'statfs64', 'fstatfs', 'fstatfs64', 'access', 'faccessat', 'faccessat2', 'chmod',
    'fchmod', 'fchmodat', 'fchmodat2', 'chown', 'chown32', 'fchown', 'fchown32', 'fchownat',
    'lchown', 'lchown32', 'utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat',
    'getxattr', 'lgetxattr', 'fgetxattr', 'getxattrat', 'setxattr', 'lsetxattr', 'fsetxattr',
    'setxattrat', 'listxattr', 'llistxattr', 'flistxattr', 'listxattrat', 'removexattr',
    'lremovexattr', 'fremovexattr', 'removexattrat',
  ],
  // The directory tree (mknod is bounded by the device cgroup and CAP_MKNOD).
  directories: [
    'getcwd', 'chdir', 'fchdir', 'mkdir', 'mkdirat', 'rmdir', 'rename', 'renameat', 'renameat2',
    'link', 'linkat', 'symlink', 'symlinkat', 'unlink', 'unlinkat', 'readlink', 'readlinkat',
    'getdents', 'getdents64', 'mknod', 'mknodat',
  ],
  // Watching files and waiting on many descriptors at once.
  events: [
    'inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch', 'fanotify_mark',
    'select', '_newselect', 'pselect6', 'pselect6_time64', 'poll', 'ppoll', 'ppoll_time64',
    'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_wait', 'epoll_wait_old',
    'epoll_pwait', 'epoll_pwait2', 'eventfd', 'eventfd2',
  ],
  // Linux AIO (io_uring is deliberately absent: see BLOCKED_SYSCALLS).
  asyncIo: ['io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64'],
  // Reading clocks and timers; setting the clock needs CAP_SYS_TIME (adjtimex only reads without it).
  time: [
    'clock_gettime', 'clock_gettime64', 'clock_getres', 'clock_getres_time64', 'clock_nanosleep',
    'clock_nanosleep_time64', 'gettimeofday', 'time', 'nanosleep', 'adjtimex', 'clock_adjtime',
    'clock_adjtime64', 'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime',
    'timer_gettime64', 'timer_settime', 'timer_settime64', 'timerfd_create', 'timerfd_gettime',
    'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64', 'getitimer', 'setitimer',
  ],
  // Thread synchronisation.
  futex: ['futex', 'futex_time64', 'futex_waitv', 'futex_wake', 'futex_wait', 'futex_requeue'],
  // SysV and POSIX IPC live in the container's own IPC namespace.
  ipc: [
    'semget', 'semop', 'semtimedop', 'semtimedop_time64', 'semctl', 'shmget', 'shmat', 'shmdt',
    'shmctl', 'msgget', 'msgsnd', 'msgrcv', 'msgctl', 'ipc', 'mq_open', 'mq_unlink', 'mq_timedsend',
    'mq_timedsend_time64', 'mq_timedreceive', 'mq_timedreceive_time64', 'mq_notify', 'mq_getsetattr',
  ],
  // Sockets (`socket` itself is conditional: see seccomp.ts). socketcall is the 32-bit
  // multiplexer; its arguments cannot be filtered, as in every default profile.
  network: [
    'socketpair', 'socketcall', 'bind', 'listen', 'accept', 'accept4', 'connect', 'getsockname',
    'getpeername', 'getsockopt', 'setsockopt', 'sendto', 'sendmsg', 'sendmmsg', 'recvfrom',
    'recvmsg', 'recvmmsg', 'recvmmsg_time64', 'shutdown', 'send', 'recv',
  ],
  // Names of the container's own UTS namespace; the kernel checks CAP_SYS_ADMIN there.
  uts: ['sethostname', 'setdomainname'],
  // Unprivileged sandboxing a program applies to itself.
  landlock: ['landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self'],
};

/** Allowed only on one architecture family (names from that family's syscall table). */
export const ARCH_SYSCALLS: Readonly<Record<'x86' | 'arm', readonly string[]>> = {
  // Thread-local storage set-up; modify_ldt and vm86 stay out (rarely needed, exploit history).
  x86: ['arch_prctl', 'set_thread_area', 'get_thread_area'],
  arm: ['breakpoint', 'cacheflush', 'set_tls', 'sync_file_range2', 'arm_fadvise64_64', 'arm_sync_file_range'],
};

/**
 * Allowed only when the container holds the capability: the kernel would refuse most of them
 * anyway, but filtering them too shrinks the kernel surface a compromised process can reach.
 */
export const CAPABILITY_SYSCALLS: Readonly<Record<string, readonly string[]>> = {
  CAP_SYS_ADMIN: [
    'mount', 'umount', 'umount2', 'pivot_root', 'unshare', 'setns', 'move_mount', 'open_tree',
    'fsopen', 'fsconfig', 'fsmount', 'fspick', 'mount_setattr', 'quotactl', 'quotactl_fd',
    'fanotify_init', 'lookup_dcookie', 'name_to_handle_at',
  ],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_CHROOT: ['chroot'],
  CAP_SYS_MODULE: ['init_module', 'finit_module', 'delete_module'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_PTRACE: ['userfaultfd'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_TIME: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
  CAP_SYS_NICE: ['mbind', 'set_mempolicy', 'set_mempolicy_home_node'],
  CAP_SYSLOG: ['syslog'],
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
};

/**
 * Tracing another process. Allowed by default on kernels >= 4.8, where seccomp checks are
 * re-run after a tracer changes a syscall (before 4.8 ptrace could bypass the filter); Docker
 * made the same choice in 19.03. It lets strace and gdb work; the kernel still confines
 * tracing to the container's own processes of the same user (the PID namespace hides the rest).
 * On older kernels these need CAP_SYS_PTRACE.
 */
export const PTRACE_SYSCALLS: readonly string[] = [
  'ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd', 'process_madvise',
];
export const PTRACE_MIN_KERNEL: readonly [number, number] = [4, 8];

/**
 * Never allowed by the default profile, whatever the capabilities: state that is not
 * namespaced (kexec, keyrings, swap), exploit-prone interfaces (bpf, perf_event_open, io_uring,
 * modify_ldt, vm86) and obsolete calls nothing current uses. Listed so tests can assert it.
 */
export const BLOCKED_SYSCALLS: readonly string[] = [
  'kexec_load', 'kexec_file_load', 'bpf', 'perf_event_open', 'keyctl', 'add_key', 'request_key',
  'swapon', 'swapoff', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'modify_ldt',
  'vm86', 'vm86old', 'uselib', 'ustat', 'sysfs', '_sysctl', 'nfsservctl', 'create_module',
  'get_kernel_syms', 'query_module', 'lsm_set_self_attr',
];
