// Service keys `docker stack deploy` does not carry to swarm. It refuses some outright (the
// forbidden ones), reports the deprecated ones with a reason, and names the rest in one
// "Ignoring unsupported options" line. Keys the Compose Specification has that the docker CLI's
// own schema lacks are reported with the unsupported ones: swarm has no place for them either.

export const UNSUPPORTED = [
  "build",
  "cgroupns_mode",
  "cgroup_parent",
  "devices",
  "domainname",
  "external_links",
  "ipc",
  "links",
  "mac_address",
  "network_mode",
  "pid",
  "privileged",
  "restart",
  "security_opt",
  "shm_size",
  "userns_mode",
];

export const DEPRECATED: Record<string, string> = {
  container_name: "swarm names the containers of a service itself.",
  expose: "services on a shared network already reach each other's containers on every port.",
};

const USE_RESOURCES = "use deploy.resources instead.";
export const FORBIDDEN: Record<string, string> = {
  extends: "`extends` is not supported.",
  volume_driver:
    "declare the volume under the top-level `volumes` key, with its driver, and mount it by name.",
  volumes_from:
    "declare the volume under the top-level `volumes` key and mount it in each service that shares it.",
  cpu_quota: USE_RESOURCES,
  cpu_shares: USE_RESOURCES,
  cpuset: USE_RESOURCES,
  mem_limit: USE_RESOURCES,
  memswap_limit: USE_RESOURCES,
};

// What the converter reads (see normalise-service.ts); `restart` is read as a fallback restart
// policy and still reported, as the docker CLI does both.
export const CONVERTED = new Set([
  "image",
  "command",
  "entrypoint",
  "environment",
  "env_file",
  "labels",
  "ports",
  "volumes",
  "networks",
  "secrets",
  "configs",
  "healthcheck",
  "hostname",
  "user",
  "working_dir",
  "stop_grace_period",
  "stop_signal",
  "init",
  "tty",
  "stdin_open",
  "read_only",
  "extra_hosts",
  "dns",
  "dns_search",
  "dns_opt",
  "cap_add",
  "cap_drop",
  "sysctls",
  "ulimits",
  "logging",
  "deploy",
  "isolation",
  "oom_score_adj",
  "credential_spec",
  // Read by the docker CLI's loader and then unused by its converter; not worth a warning there.
  "tmpfs",
  "depends_on",
]);

function services(document: Record<string, unknown>): Record<string, unknown>[] {
  const all = document.services;
  if (all === null || typeof all !== "object") return [];
  return Object.values(all).filter((s): s is Record<string, unknown> => s !== null && typeof s === "object");
}

/** Forbidden keys in use, with the reason for each; their presence refuses the file. */
export function forbiddenKeys(document: Record<string, unknown>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const service of services(document))
    for (const key of Object.keys(service)) if (key in FORBIDDEN) found[key] = FORBIDDEN[key]!;
  return found;
}

/** The warnings `docker stack deploy` prints for these documents, one per paragraph. */
export function ignoredWarnings(documents: readonly Record<string, unknown>[]): string[] {
  const unsupported = new Set<string>();
  const deprecated = new Map<string, string>();
  for (const document of documents) {
    for (const service of services(document)) {
      for (const key of Object.keys(service)) {
        if (key.startsWith("x-") || key in FORBIDDEN) continue;
        if (key in DEPRECATED) deprecated.set(key, DEPRECATED[key]!);
        else if (UNSUPPORTED.includes(key) || !CONVERTED.has(key)) unsupported.add(key);
      }
    }
  }
  const warnings: string[] = [];
  if (unsupported.size > 0)
    warnings.push(`Ignoring unsupported options: ${[...unsupported].sort().join(", ")}`);
  if (deprecated.size > 0) {
    const lines = [...deprecated].map(([key, why]) => `${key}: ${why}`).sort();
    warnings.push(`Ignoring deprecated options:\n\n${lines.join("\n\n")}`);
  }
  return warnings;
}
