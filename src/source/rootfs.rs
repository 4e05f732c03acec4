//! Safe access to a process's root filesystem (`/proc/PID/root`), resolved inside the root.
