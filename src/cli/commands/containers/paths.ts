/** API paths of a container or exec, with the user's name or ID escaped. */
export const containerPath = (id: string, suffix = ''): string => `/v1/containers/${encodeURIComponent(id)}${suffix}`;
export const execPath = (id: string, suffix = ''): string => `/v1/exec/${encodeURIComponent(id)}${suffix}`;
export const volumePath = (name: string): string => `/v1/volumes/${encodeURIComponent(name)}`;
