/**
 * Default locations. Kept apart from the config schema so the CLI can know them without loading
 * zod (which costs ~60 ms of CLI start-up).
 */
export const DEFAULT_ROOT = '/var/lib/forgeone';
export const DEFAULT_RUNROOT = '/run/forgeone';
export const DEFAULT_CONFIG_FILE = '/etc/forgeone/daemon.json';
export const DEFAULT_CERTS_DIR = '/etc/forgeone/certs.d';
