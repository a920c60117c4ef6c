import type { Mount, NetworkAttachmentConfig, ServiceSpec, TaskSpec } from "@flotilla/types";
import { parseCpus } from "../units.js";
import type { ComposeDocument, ComposeService, FileReference, ServiceVolume, UpdateConfig } from "./model.js";
import { IMAGE_LABEL, type Namespace, stackLabels } from "./namespace.js";
import { ComposeProblem, nanoseconds } from "./values.js";

// One compose service to the ServiceSpec `docker stack deploy` sends for it. Secrets and configs
// are referenced by name; their IDs are filled in once they exist (see stacks.ts).

type ContainerSpec = NonNullable<TaskSpec["ContainerSpec"]>;
type SecretReference = NonNullable<ContainerSpec["Secrets"]>[number];
type ConfigReference = NonNullable<ContainerSpec["Configs"]>[number];

const NOT_USER_DEFINED = new Set(["default", "bridge", "host", "none"]);

function networks(
  service: ComposeService,
  key: string,
  document: ComposeDocument,
  ns: Namespace,
  path: string,
) {
  const wanted =
    service.networks && Object.keys(service.networks).length > 0 ? service.networks : { default: null };
  const out: NetworkAttachmentConfig[] = Object.entries(wanted).map(([name, attachment]) => {
    const network = document.networks[name];
    if (!network && name !== "default")
      throw new ComposeProblem(`${path}.networks.${name}`, "is not a network of the file");
    const target = network?.name ?? ns.scope(name);
    const aliases = [...(attachment?.aliases ?? [])];
    // Only user-defined networks take aliases; the service's own name is always one.
    if (!NOT_USER_DEFINED.has(target) && !target.startsWith("container:")) aliases.push(key);
    return {
      Target: target,
      ...(aliases.length > 0 && { Aliases: aliases }),
      ...(attachment?.driver_opts && { DriverOpts: attachment.driver_opts }),
    };
  });
  return out.sort((a, b) => (a.Target! < b.Target! ? -1 : a.Target! > b.Target! ? 1 : 0));
}

function fileTarget(reference: FileReference) {
  return {
    Name: reference.target || reference.source,
    UID: reference.uid || "0",
    GID: reference.gid || "0",
    Mode: reference.mode ?? 0o444,
  };
}

// By name, then target: the docker CLI leaves references to one object with several targets in
// no particular order; this picks one.
function byNameThenTarget(a: { name: string; target: string }, b: { name: string; target: string }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.target < b.target ? -1 : a.target > b.target ? 1 : 0;
}

function refusingDuplicateTargets<T extends { File?: { Name?: string } }>(
  refs: T[],
  kind: string,
  path: string,
): T[] {
  const seen = new Set<string>();
  for (const ref of refs) {
    const target = ref.File?.Name;
    if (target === undefined) continue;
    if (seen.has(target))
      throw new ComposeProblem(`${path}.${kind}`, `two ${kind} have the target ${target}`);
    seen.add(target);
  }
  return refs;
}

function secrets(
  service: ComposeService,
  document: ComposeDocument,
  ns: Namespace,
  path: string,
): SecretReference[] {
  const refs = (service.secrets ?? [])
    .map((reference, i) => {
      const secret = document.secrets[reference.source];
      if (!secret)
        throw new ComposeProblem(`${path}.secrets[${i}]`, `no top-level secret "${reference.source}"`);
      return { File: fileTarget(reference), SecretName: secret.name ?? ns.scope(reference.source) };
    })
    .sort((a, b) =>
      byNameThenTarget(
        { name: a.SecretName, target: a.File.Name },
        { name: b.SecretName, target: b.File.Name },
      ),
    );
  return refusingDuplicateTargets(refs, "secrets", path);
}

function configs(
  service: ComposeService,
  document: ComposeDocument,
  ns: Namespace,
  path: string,
): ConfigReference[] {
  const refs: ConfigReference[] = (service.configs ?? []).map((reference, i) => {
    const config = document.configs[reference.source];
    if (!config)
      throw new ComposeProblem(`${path}.configs[${i}]`, `no top-level config "${reference.source}"`);
    return { File: fileTarget(reference), ConfigName: config.name ?? ns.scope(reference.source) };
  });
  // A credential spec held in a config is handed to the runtime, not mounted.
  const credentialConfig = service.credential_spec?.config;
  if (credentialConfig) {
    const config = document.configs[credentialConfig];
    if (!config)
      throw new ComposeProblem(`${path}.credential_spec.config`, `no top-level config "${credentialConfig}"`);
    refs.push({ ConfigName: config.name ?? ns.scope(credentialConfig), Runtime: {} });
  }
  const sorted = refs.sort((a, b) =>
    byNameThenTarget(
      { name: a.ConfigName ?? "", target: a.File?.Name ?? "" },
      { name: b.ConfigName ?? "", target: b.File?.Name ?? "" },
    ),
  );
  return refusingDuplicateTargets(sorted, "configs", path);
}

function mount(volume: ServiceVolume, document: ComposeDocument, ns: Namespace, path: string): Mount {
  const base: Mount = {
    Type: volume.type as Mount["Type"],
    Target: volume.target,
    ...(volume.read_only && { ReadOnly: true }),
    ...(volume.source && { Source: volume.source }),
    ...(volume.consistency && { Consistency: volume.consistency as Mount["Consistency"] }),
  };
  const conflict = (option: string) =>
    new ComposeProblem(path, `${option} options do not go with type ${volume.type}`);
  switch (volume.type) {
    case "volume": {
      if (volume.bind) throw conflict("bind");
      if (volume.tmpfs) throw conflict("tmpfs");
      if (!volume.source) return base;
      const declared = document.volumes[volume.source];
      if (!declared) throw new ComposeProblem(`${path}.source`, `no top-level volume "${volume.source}"`);
      const options: NonNullable<Mount["VolumeOptions"]> = {
        ...(volume.volume?.nocopy && { NoCopy: true }),
        ...(volume.volume?.subpath && { Subpath: volume.volume.subpath }),
      };
      if (!declared.external) {
        options.Labels = stackLabels(ns, declared.labels);
        if (declared.driver || declared.driver_opts)
          options.DriverConfig = {
            ...(declared.driver && { Name: declared.driver }),
            ...(declared.driver_opts && { Options: declared.driver_opts }),
          };
      }
      return { ...base, Source: declared.name ?? ns.scope(volume.source), VolumeOptions: options };
    }
    case "bind":
    case "npipe":
      if (volume.volume) throw conflict("volume");
      if (volume.tmpfs) throw conflict("tmpfs");
      return {
        ...base,
        ...(volume.bind && {
          BindOptions: {
            ...(volume.bind.propagation && { Propagation: volume.bind.propagation as "rprivate" }),
          },
        }),
      };
    case "tmpfs":
      if (volume.source) throw new ComposeProblem(`${path}.source`, "a tmpfs mount has no source");
      if (volume.bind) throw conflict("bind");
      if (volume.volume) throw conflict("volume");
      return {
        ...base,
        ...(volume.tmpfs && {
          TmpfsOptions: { ...(volume.tmpfs.size !== undefined && { SizeBytes: volume.tmpfs.size }) },
        }),
      };
    default:
      throw new ComposeProblem(
        `${path}.type`,
        `"${volume.type}" is not a mount type swarm takes (volume, bind, tmpfs, npipe)`,
      );
  }
}

function updateConfig(update: UpdateConfig | undefined) {
  if (!update) return undefined;
  return {
    Parallelism: update.parallelism ?? 1,
    ...(update.delay && { Delay: nanoseconds(update.delay) }),
    ...(update.failure_action && { FailureAction: update.failure_action as "pause" }),
    ...(update.monitor && { Monitor: nanoseconds(update.monitor) }),
    ...(update.max_failure_ratio && { MaxFailureRatio: update.max_failure_ratio }),
    ...(update.order && { Order: update.order as "stop-first" }),
  };
}

// deploy.restart_policy wins; the plain `restart` key is read as a fallback, as the docker CLI reads it.
function restartPolicy(service: ComposeService, path: string): TaskSpec["RestartPolicy"] {
  const policy = service.deploy?.restart_policy;
  if (policy) {
    return {
      ...(policy.condition && { Condition: policy.condition as "any" }),
      ...(policy.delay !== undefined && { Delay: nanoseconds(policy.delay) }),
      ...(policy.max_attempts !== undefined && { MaxAttempts: policy.max_attempts }),
      ...(policy.window !== undefined && { Window: nanoseconds(policy.window) }),
    };
  }
  if (!service.restart) return undefined;
  const [name, count] = service.restart.split(":");
  const attempts = count === undefined ? 0 : Number(count);
  if (!Number.isInteger(attempts) || attempts < 0)
    throw new ComposeProblem(`${path}.restart`, `"${service.restart}" has an invalid retry count`);
  switch (name) {
    case "no":
    case "":
      return undefined;
    case "always":
    case "unless-stopped":
      return { Condition: "any", ...(attempts > 0 && { MaxAttempts: attempts }) };
    case "on-failure":
      return { Condition: "on-failure", ...(attempts > 0 && { MaxAttempts: attempts }) };
    default:
      throw new ComposeProblem(
        `${path}.restart`,
        `"${service.restart}" is not no, always, on-failure or unless-stopped`,
      );
  }
}

function mode(service: ComposeService, path: string): ServiceSpec["Mode"] {
  const replicas = service.deploy?.replicas;
  const kind = service.deploy?.mode ?? "replicated";
  const noReplicas = () => {
    if (replicas !== undefined)
      throw new ComposeProblem(`${path}.deploy.replicas`, "goes only with mode replicated or replicated-job");
  };
  switch (kind) {
    case "global":
      noReplicas();
      return { Global: {} };
    case "global-job":
      noReplicas();
      return { GlobalJob: {} };
    case "replicated-job":
      return {
        ReplicatedJob: replicas === undefined ? {} : { MaxConcurrent: replicas, TotalCompletions: replicas },
      };
    case "replicated":
    case "":
      return { Replicated: replicas === undefined ? {} : { Replicas: replicas } };
    default:
      throw new ComposeProblem(
        `${path}.deploy.mode`,
        `"${kind}" is not replicated, global, replicated-job or global-job`,
      );
  }
}

function capabilities(add: string[] = [], drop: string[] = []): { add: string[]; drop: string[] } {
  const normalise = (cap: string) => {
    const upper = cap.trim().toUpperCase();
    return upper === "ALL" || upper === "RESET" || upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
  };
  let adding = new Set(add.map(normalise));
  let dropping = new Set(drop.map(normalise));
  if (adding.has("ALL")) adding = new Set(["ALL"]);
  if (dropping.has("ALL")) dropping = new Set(["ALL"]);
  adding.delete("RESET");
  dropping.delete("RESET");
  // Adding wins over dropping.
  for (const cap of adding) dropping.delete(cap);
  return { add: [...adding].sort(), drop: [...dropping].sort() };
}

function resources(service: ComposeService, path: string): TaskSpec["Resources"] {
  const { limits, reservations } = service.deploy?.resources ?? {};
  const cpus = (value: string | undefined, at: string) =>
    value === undefined ? undefined : parseCpus(value, at);
  return {
    ...(limits && {
      Limits: {
        ...(limits.cpus !== undefined && {
          NanoCPUs: cpus(limits.cpus, `${path}.deploy.resources.limits.cpus`),
        }),
        ...(limits.memory !== undefined && { MemoryBytes: limits.memory }),
        ...(limits.pids !== undefined && { Pids: limits.pids }),
      },
    }),
    ...(reservations && {
      Reservations: {
        ...(reservations.cpus !== undefined && {
          NanoCPUs: cpus(reservations.cpus, `${path}.deploy.resources.reservations.cpus`),
        }),
        ...(reservations.memory !== undefined && { MemoryBytes: reservations.memory }),
        ...(reservations.generic_resources && {
          GenericResources: reservations.generic_resources.map((r) => ({
            DiscreteResourceSpec: {
              Kind: r.discrete_resource_spec?.kind,
              Value: r.discrete_resource_spec?.value,
            },
          })),
        }),
      },
    }),
  };
}

function healthcheck(service: ComposeService, path: string): ContainerSpec["Healthcheck"] {
  const check = service.healthcheck;
  if (!check) return undefined;
  if (check.disable) {
    if (check.test && check.test.length > 0)
      throw new ComposeProblem(`${path}.healthcheck`, "test and disable cannot both be set");
    return { Test: ["NONE"] };
  }
  return {
    ...(check.test && { Test: check.test }),
    ...(check.interval && { Interval: nanoseconds(check.interval) }),
    ...(check.timeout && { Timeout: nanoseconds(check.timeout) }),
    ...(check.retries !== undefined && { Retries: check.retries }),
    ...(check.start_period && { StartPeriod: nanoseconds(check.start_period) }),
    ...(check.start_interval && { StartInterval: nanoseconds(check.start_interval) }),
  };
}

function credentialSpec(service: ComposeService, path: string) {
  const spec = service.credential_spec;
  if (!spec) return undefined;
  const given = (["config", "file", "registry"] as const).filter((k) => spec[k]);
  if (given.length === 0) return undefined;
  if (given.length > 1)
    throw new ComposeProblem(`${path}.credential_spec`, `set only one of ${given.join(", ")}`);
  return {
    ...(spec.config && { Config: spec.config }),
    ...(spec.file && { File: spec.file }),
    ...(spec.registry && { Registry: spec.registry }),
  };
}

export function convertService(
  key: string,
  service: ComposeService,
  document: ComposeDocument,
  ns: Namespace,
): ServiceSpec {
  const path = `services.${key}`;
  const image = service.image ?? "";
  const caps = capabilities(service.cap_add, service.cap_drop);
  const environment = Object.entries(service.environment ?? {})
    .map(([name, value]) => (value === null ? name : `${name}=${value}`))
    .sort();
  const dns = service.dns || service.dns_search || service.dns_opt;
  const credential = credentialSpec(service, path);
  const container: ContainerSpec = {
    Image: image,
    Labels: stackLabels(ns, service.labels),
    ...(service.entrypoint && { Command: service.entrypoint }),
    ...(service.command && { Args: service.command }),
    ...(service.hostname && { Hostname: service.hostname }),
    ...(environment.length > 0 && { Env: environment }),
    ...(service.working_dir && { Dir: service.working_dir }),
    ...(service.user && { User: service.user }),
    ...(service.volumes && {
      Mounts: service.volumes.map((v, i) => mount(v, document, ns, `${path}.volumes[${i}]`)),
    }),
    ...(service.stop_grace_period && { StopGracePeriod: nanoseconds(service.stop_grace_period) }),
    ...(service.stop_signal && { StopSignal: service.stop_signal }),
    ...(service.tty && { TTY: true }),
    ...(service.stdin_open && { OpenStdin: true }),
    ...(service.read_only && { ReadOnly: true }),
    ...(service.init !== undefined && { Init: service.init }),
    ...(service.extra_hosts && {
      Hosts: service.extra_hosts.flatMap((entry) => {
        const at = entry.indexOf(":");
        return at === -1 ? [] : [`${entry.slice(at + 1)} ${entry.slice(0, at)}`];
      }),
    }),
    ...(dns && {
      DNSConfig: {
        ...(service.dns && { Nameservers: service.dns }),
        ...(service.dns_search && { Search: service.dns_search }),
        ...(service.dns_opt && { Options: service.dns_opt }),
      },
    }),
    ...(healthcheck(service, path) && { Healthcheck: healthcheck(service, path) }),
    ...(service.sysctls && { Sysctls: service.sysctls }),
    ...(caps.add.length > 0 && { CapabilityAdd: caps.add }),
    ...(caps.drop.length > 0 && { CapabilityDrop: caps.drop }),
    ...(service.ulimits && {
      Ulimits: Object.entries(service.ulimits)
        .map(([name, u]) => ({ Name: name, Soft: u.single || u.soft || 0, Hard: u.single || u.hard || 0 }))
        .sort((a, b) => (a.Name < b.Name ? -1 : 1)),
    }),
    ...(service.oom_score_adj !== undefined && { OomScoreAdj: service.oom_score_adj }),
    ...(service.isolation && { Isolation: service.isolation as "default" }),
    // The docker CLI always sends Privileges, so the engine keeps an empty one.
    Privileges: credential ? { CredentialSpec: credential } : {},
  };
  const secretRefs = secrets(service, document, ns, path);
  const configRefs = configs(service, document, ns, path);
  if (secretRefs.length > 0) container.Secrets = secretRefs;
  if (configRefs.length > 0) container.Configs = configRefs;

  const placement = service.deploy?.placement;
  const restart = restartPolicy(service, path);
  const update = updateConfig(service.deploy?.update_config);
  const rollback = updateConfig(service.deploy?.rollback_config);
  const ports = [...(service.ports ?? [])]
    .map((p) => ({
      ...(p.protocol && { Protocol: p.protocol as "tcp" }),
      TargetPort: p.target,
      ...(p.published !== undefined && { PublishedPort: p.published }),
      ...(p.mode && { PublishMode: p.mode as "ingress" }),
    }))
    .sort((a, b) => (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0));
  const endpointMode = service.deploy?.endpoint_mode?.toLowerCase();
  return {
    Name: ns.scope(key),
    Labels: { ...stackLabels(ns, service.deploy?.labels), [IMAGE_LABEL]: image },
    TaskTemplate: {
      ContainerSpec: container,
      ...(service.logging && {
        LogDriver: {
          ...(service.logging.driver && { Name: service.logging.driver }),
          ...(service.logging.options && { Options: service.logging.options }),
        },
      }),
      Resources: resources(service, path),
      ...(restart && { RestartPolicy: restart }),
      Placement: {
        ...(placement?.constraints && { Constraints: placement.constraints }),
        ...(placement?.preferences && {
          Preferences: placement.preferences.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })),
        }),
        ...(placement?.max_replicas_per_node && { MaxReplicas: placement.max_replicas_per_node }),
      },
      Networks: networks(service, key, document, ns, path),
    },
    EndpointSpec: {
      ...(endpointMode && { Mode: endpointMode as "vip" }),
      ...(ports.length > 0 && { Ports: ports }),
    },
    Mode: mode(service, path),
    ...(update && { UpdateConfig: update }),
    ...(rollback && { RollbackConfig: rollback }),
  };
}
