/**
 * /proc and /sys paths hidden from (masked) or read-only in every container, as Docker does.
 * /proc and /sys are mounted fresh in the container, but many of their files are not
 * namespaced: they show the host's kernel memory, keys, timers and hardware, or let a write
 * reconfigure the host. The OCI runtime bind-mounts /dev/null (files) or an empty read-only
 * tmpfs (directories) over masked paths, and remounts read-only ones read-only.
 */

export const MASKED_PATHS: readonly string[] = [
  '/proc/asound', // sound hardware of the host
  '/proc/acpi', // ACPI tables and controls of the host
  '/proc/kcore', // the host's physical memory as an ELF core
  '/proc/keys', // every key in the host's keyrings (not namespaced)
  '/proc/latency_stats', // kernel latency data: scheduling side channel
  '/proc/timer_list', // every timer on the host, with the tasks owning them
  '/proc/timer_stats',
  '/proc/sched_debug', // every task on the host, names and PIDs included
  '/proc/scsi', // writes here rescan or remove host disks
  '/sys/firmware', // firmware tables (ACPI, DMI with serial numbers, EFI variables)
  '/sys/devices/virtual/powercap', // RAPL energy counters: power side channel (PLATYPUS)
];

export const READONLY_PATHS: readonly string[] = [
  '/proc/bus', // PCI/USB config space
  '/proc/fs', // filesystem tunables
  '/proc/irq', // IRQ affinity of the host
  '/proc/sys', // sysctls; the namespaced ones are set through linux.sysctl at create
  '/proc/sysrq-trigger', // a write reboots or crashes the host
];
