import { createHash } from "node:crypto";
import { ENGINE_VERSION, LOG_DRIVERS, NETWORK_DRIVERS } from "../core/bootstrap.js";
import type { Cluster } from "../core/cluster.js";
import { API_VERSION, MIN_API_VERSION } from "./api-versions.js";
import type { ApiHost } from "./context.js";
import { answeringNodeTasks, containerOf } from "./routes-containers.js";
import { localImages } from "./routes-local.js";

// The bodies of GET /version and GET /info, field for field as Docker 20.10 fills them, so that
// `docker version`, `docker info` and the SDKs print no blanks. Build and runtime details are
// those of the upstream 20.10.24 release; only Platform.Name says that this is the fake.

const GIT_COMMIT = "5d6db84";
const GO_VERSION = "go1.19.7";
const BUILD_TIME = "2023-04-04T18:18:42.000000000+00:00";
const KERNEL_VERSION = "5.15.0-fake";
const CONTAINERD = { version: "1.6.20", commit: "2806fc1057397dbaeefbea0e4e17bddfbd388f38" };
const RUNC = { version: "1.1.5", commit: "v1.1.5-0-gf19387a" };
const INIT = { version: "0.19.0", commit: "de40ad0" };

export function versionBody() {
  return {
    Platform: { Name: "Flotilla fake swarm" },
    Components: [
      {
        Name: "Engine",
        Version: ENGINE_VERSION,
        Details: {
          ApiVersion: API_VERSION,
          Arch: "amd64",
          BuildTime: BUILD_TIME,
          Experimental: "false",
          GitCommit: GIT_COMMIT,
          GoVersion: GO_VERSION,
          KernelVersion: KERNEL_VERSION,
          MinAPIVersion: MIN_API_VERSION,
          Os: "linux",
        },
      },
      { Name: "containerd", Version: CONTAINERD.version, Details: { GitCommit: CONTAINERD.commit } },
      { Name: "runc", Version: RUNC.version, Details: { GitCommit: RUNC.commit } },
      { Name: "docker-init", Version: INIT.version, Details: { GitCommit: INIT.commit } },
    ],
    Version: ENGINE_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: GIT_COMMIT,
    GoVersion: GO_VERSION,
    Os: "linux",
    Arch: "amd64",
    KernelVersion: KERNEL_VERSION,
    BuildTime: BUILD_TIME,
  };
}

/** dockerd's ID: twelve groups of four base-32 characters, stable for a given node. */
function engineId(seed: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = createHash("sha512").update(seed).digest();
  const chars = Array.from({ length: 48 }, (_, i) => alphabet[bytes[i % bytes.length]! % 32]);
  return Array.from({ length: 12 }, (_, i) => chars.slice(i * 4, i * 4 + 4).join("")).join(":");
}

export function infoBody(cluster: Cluster, host: ApiHost) {
  const local = host.local();
  const nodes = [...cluster.store.data.nodes.values()];
  const managers = nodes.filter((n) => n.Spec.Role === "manager");
  const self = managers.find((n) => n.ManagerStatus?.Leader) ?? nodes[0];
  const inSwarm = local.state === "active";
  const hostname = self?.Description.Hostname ?? "fake";
  const containers = answeringNodeTasks(cluster)
    .filter((t) => t.Status.ContainerStatus?.ContainerID)
    .map((t) => containerOf(cluster, t).State);
  const running = containers.filter((s) => s === "running").length;
  return {
    ID: engineId(hostname),
    Containers: containers.length,
    ContainersRunning: running,
    ContainersPaused: 0,
    ContainersStopped: containers.length - running,
    Images: localImages(cluster).length,
    Driver: "overlay2",
    DriverStatus: [
      ["Backing Filesystem", "extfs"],
      ["Supports d_type", "true"],
      ["Native Overlay Diff", "true"],
      ["userxattr", "false"],
    ],
    Plugins: {
      Volume: ["local"],
      Network: NETWORK_DRIVERS,
      Authorization: null,
      Log: LOG_DRIVERS,
    },
    MemoryLimit: true,
    SwapLimit: true,
    KernelMemory: true,
    KernelMemoryTCP: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    IPv4Forwarding: true,
    BridgeNfIptables: true,
    BridgeNfIp6tables: true,
    Debug: false,
    NFd: 24,
    OomKillDisable: true,
    NGoroutines: 40,
    SystemTime: new Date(cluster.now).toISOString(),
    LoggingDriver: "json-file",
    CgroupDriver: "cgroupfs",
    CgroupVersion: "1",
    NEventsListener: cluster.events.listenerCount,
    KernelVersion: KERNEL_VERSION,
    OperatingSystem: "Debian GNU/Linux 12 (bookworm)",
    OSVersion: "12",
    OSType: "linux",
    Architecture: "x86_64",
    IndexServerAddress: "https://index.docker.io/v1/",
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: [],
      AllowNondistributableArtifactsHostnames: [],
      InsecureRegistryCIDRs: ["127.0.0.0/8"],
      IndexConfigs: { "docker.io": { Name: "docker.io", Mirrors: [], Secure: true, Official: true } },
      Mirrors: [],
    },
    NCPU: (self?.Description.Resources.NanoCPUs ?? 1e9) / 1e9,
    MemTotal: self?.Description.Resources.MemoryBytes ?? 0,
    GenericResources: null,
    DockerRootDir: "/var/lib/docker",
    HttpProxy: "",
    HttpsProxy: "",
    NoProxy: "",
    Name: hostname,
    Labels: Object.entries(self?.Description.Engine?.Labels ?? {}).map(([k, v]) => `${k}=${v}`),
    ExperimentalBuild: false,
    ServerVersion: ENGINE_VERSION,
    Runtimes: {
      "io.containerd.runc.v2": { path: "runc" },
      "io.containerd.runtime.v1.linux": { path: "runc" },
      runc: { path: "runc" },
    },
    DefaultRuntime: "runc",
    Swarm: {
      NodeID: inSwarm ? (self?.ID ?? "") : "",
      NodeAddr: inSwarm ? (self?.Status.Addr ?? "") : "",
      LocalNodeState: local.state,
      ControlAvailable: inSwarm && local.role === "manager",
      Error: "",
      RemoteManagers: inSwarm ? managers.map((m) => ({ NodeID: m.ID, Addr: m.ManagerStatus?.Addr })) : null,
      ...(inSwarm && { Nodes: nodes.length, Managers: managers.length }),
      ...(inSwarm && local.role === "manager" && { Cluster: withoutTokens(cluster.store.data.swarm!) }),
    },
    LiveRestoreEnabled: false,
    Isolation: "",
    InitBinary: "docker-init",
    ContainerdCommit: { ID: CONTAINERD.commit, Expected: CONTAINERD.commit },
    RuncCommit: { ID: RUNC.commit, Expected: RUNC.commit },
    InitCommit: { ID: INIT.commit, Expected: INIT.commit },
    SecurityOptions: ["name=seccomp,profile=default"],
    Warnings: null,
  };
}

function withoutTokens<T extends { JoinTokens?: unknown }>(swarm: T): Omit<T, "JoinTokens"> {
  const { JoinTokens: _tokens, ...rest } = swarm;
  return rest;
}
