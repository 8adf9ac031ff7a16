/**
 * linux.resources from the user's limits, with secure defaults:
 * - memory: `--memory` sets the limit and memory+swap to the same value, so a container
 *   cannot swap at all (Docker lets it use as much swap again, limit*2, which makes a leaking
 *   container drag the host into swap instead of being OOM-killed; set swap explicitly when
 *   that is wanted, once ContainerConfig has a field for it);
 * - cpus: CFS quota over a 100 ms period, as `docker run --cpus`;
 * - pids: DEFAULT_PIDS_LIMIT unless asked otherwise (Docker has none, so a fork bomb in one
 *   container exhausts the host's PIDs); -1 or 0 mean unlimited, as in Docker;
 * - devices: the default allowlist of security/devices.ts.
 */
import type { ContainerConfig } from '../../config/container-config';
import type { RuntimeLinux } from '../../config/runtime-spec';
import { errors } from '../../errors';
import { defaultDeviceRules } from '../../security/devices';

export const DEFAULT_PIDS_LIMIT = 2048;
export const CPU_PERIOD_US = 100_000;
/** The kernel refuses CFS quotas below 1 ms. */
const MIN_CPU_QUOTA_US = 1000;

export type Resources = NonNullable<RuntimeLinux['resources']>;

export function buildResources(res: ContainerConfig['resources'] = {}): Resources {
  const out: Resources = { devices: defaultDeviceRules() };
  if (res.memory !== undefined) out.memory = { limit: res.memory, swap: res.memory };
  if (res.cpus !== undefined) {
    const quota = Math.round(res.cpus * CPU_PERIOD_US);
    if (quota < MIN_CPU_QUOTA_US) {
      throw errors.invalidArgument(`--cpus ${res.cpus} is too small`, {
        hint: `the smallest value is ${MIN_CPU_QUOTA_US / CPU_PERIOD_US}`,
      });
    }
    out.cpu = { quota, period: CPU_PERIOD_US };
  }
  if (res.cpuShares !== undefined) out.cpu = { ...out.cpu, shares: res.cpuShares };
  const pids = res.pidsLimit ?? DEFAULT_PIDS_LIMIT;
  if (pids > 0) out.pids = { limit: pids };
  return out;
}
