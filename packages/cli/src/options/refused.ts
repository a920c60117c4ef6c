// Kontena options swarm has no equivalent for. They are accepted by the parser so the user gets
// this explanation (and exit code 2) rather than "unknown option", and never silently dropped:
// option-values.ts refuses them before the action runs.

export const REFUSED_OPTIONS = [
  {
    flags: "-c, --cpu-shares <shares>",
    key: "cpuShares",
    why: "swarm services have no relative CPU shares",
    instead: "use --limit-cpu or --reserve-cpu (a number of CPUs)",
  },
  {
    flags: "--memory-swap <bytes>",
    key: "memorySwap",
    why: "swarm services have no swap limit",
    instead: "use -m/--memory (--limit-memory) for the memory limit",
  },
  {
    flags: "--pid <mode>",
    key: "pid",
    why: "swarm tasks cannot join the host's PID namespace",
    instead: "run such a container with `docker run --pid host` on the node",
  },
  {
    flags: "--volumes-from <container>",
    key: "volumesFrom",
    why: "swarm tasks cannot mount another container's volumes",
    instead: "share a named volume with -v NAME:/path or --mount",
  },
  {
    flags: "--privileged",
    key: "privileged",
    why: "swarm services cannot run privileged containers",
    instead: "grant the capabilities needed with --cap-add",
  },
] as const;
