import { isAbsolute, posix, resolve as resolvePath, win32 } from "node:path";
import type {
  ComposeService,
  Deploy,
  FileReference,
  Healthcheck,
  Resources,
  ServiceNetwork,
  ServicePort,
  ServiceVolume,
  Ulimit,
  UpdateConfig,
} from "./model.js";
import { parsePort, parseVolume, SyntaxProblem } from "./short-syntax.js";
import {
  boolean,
  bytes,
  ComposeProblem,
  command,
  decimal,
  duration,
  integer,
  isMapping,
  join,
  keyValues,
  mapping,
  stringList,
  text,
} from "./values.js";

/** What loading a service needs from outside it. */
export interface ServiceContext {
  /** Relative paths are resolved from here (the first file's folder, as the docker CLI does). */
  workingDir: string;
  lookup: (name: string) => string | undefined;
  /** The `KEY=VALUE` lines of an env_file (see readEnvFile). */
  readEnvFile: (path: string, required: boolean) => string[];
}

const drop = <T extends object>(value: T): T | undefined => {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
};

export function absolute(workingDir: string, path: string): string {
  return isAbsolute(path) ? path : resolvePath(workingDir, path);
}

function syntax<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SyntaxProblem) throw new ComposeProblem(path, error.message);
    throw error;
  }
}

function ports(value: unknown, path: string): ServicePort[] | undefined {
  if (value === undefined || value === null) return undefined;
  return (value as unknown[]).flatMap((entry, i) => {
    const at = join(path, i);
    if (typeof entry === "number" || typeof entry === "string")
      return syntax(at, () => parsePort(String(entry)));
    const port = mapping(entry, at);
    return [
      drop<ServicePort>({
        mode: text(port.mode, join(at, "mode")),
        target: integer(port.target, join(at, "target"), { min: 0 }) ?? 0,
        published: integer(port.published, join(at, "published"), { min: 0 }),
        protocol: text(port.protocol, join(at, "protocol")),
      }) as ServicePort,
    ];
  });
}

function expandHome(source: string, context: ServiceContext): string {
  if (!source.startsWith("~")) return source;
  const home = context.lookup("HOME");
  return home === undefined ? source : home + source.slice(1);
}

function volumes(value: unknown, path: string, context: ServiceContext): ServiceVolume[] | undefined {
  if (value === undefined || value === null) return undefined;
  return (value as unknown[]).map((entry, i) => {
    const at = join(path, i);
    let volume: ServiceVolume;
    if (typeof entry === "string") volume = syntax(at, () => parseVolume(entry));
    else {
      const long = mapping(entry, at);
      const bind = mapping(long.bind, join(at, "bind"));
      const named = mapping(long.volume, join(at, "volume"));
      const tmpfs = mapping(long.tmpfs, join(at, "tmpfs"));
      volume = drop<ServiceVolume>({
        type: text(long.type, join(at, "type")) ?? "volume",
        source: text(long.source, join(at, "source")),
        target: text(long.target, join(at, "target")) ?? "",
        read_only: boolean(long.read_only, join(at, "read_only")),
        consistency: text(long.consistency, join(at, "consistency")),
        bind: long.bind === undefined ? undefined : { ...drop({ propagation: text(bind.propagation, at) }) },
        volume:
          long.volume === undefined
            ? undefined
            : {
                ...drop({
                  nocopy: boolean(named.nocopy, join(at, "volume.nocopy")),
                  subpath: text(named.subpath, join(at, "volume.subpath")),
                }),
              },
        tmpfs:
          long.tmpfs === undefined
            ? undefined
            : { ...drop({ size: bytes(tmpfs.size, join(at, "tmpfs.size")) }) },
      }) as ServiceVolume;
    }
    if (volume.type === "bind") {
      if (!volume.source) throw new ComposeProblem(at, 'a "bind" mount needs a source');
      const source = expandHome(volume.source, context);
      // Either kind of absolute path stays, so a Windows client can drive a Linux engine and back.
      volume.source =
        posix.isAbsolute(source) || win32.isAbsolute(source) ? source : absolute(context.workingDir, source);
    }
    return volume;
  });
}

function fileReferences(value: unknown, path: string): FileReference[] | undefined {
  if (value === undefined || value === null) return undefined;
  return (value as unknown[]).map((entry, i) => {
    const at = join(path, i);
    if (typeof entry === "string") return { source: entry };
    const long = mapping(entry, at);
    return drop<FileReference>({
      source: text(long.source, join(at, "source")) ?? "",
      target: text(long.target, join(at, "target")),
      uid: text(long.uid, join(at, "uid")),
      gid: text(long.gid, join(at, "gid")),
      mode: integer(long.mode, join(at, "mode"), { min: 0 }),
    }) as FileReference;
  });
}

function networks(value: unknown, path: string): Record<string, ServiceNetwork | null> | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return Object.fromEntries(value.map((name) => [String(name), null]));
  const out: Record<string, ServiceNetwork | null> = {};
  for (const [name, entry] of Object.entries(mapping(value, path))) {
    if (entry === null || entry === undefined) {
      out[name] = null;
      continue;
    }
    const at = join(path, name);
    const network = mapping(entry, at);
    out[name] =
      drop<ServiceNetwork>({
        aliases: stringList(network.aliases, join(at, "aliases")),
        driver_opts: network.driver_opts === undefined ? undefined : keyValues(network.driver_opts, at, "="),
      }) ?? {};
  }
  return out;
}

function healthcheck(value: unknown, path: string): Healthcheck | undefined {
  if (value === undefined || value === null) return undefined;
  const check = mapping(value, path);
  const test =
    typeof check.test === "string" ? ["CMD-SHELL", check.test] : stringList(check.test, join(path, "test"));
  return {
    ...drop<Healthcheck>({
      test,
      interval: duration(check.interval, join(path, "interval")),
      timeout: duration(check.timeout, join(path, "timeout")),
      start_period: duration(check.start_period, join(path, "start_period")),
      start_interval: duration(check.start_interval, join(path, "start_interval")),
      retries: integer(check.retries, join(path, "retries"), { min: 0 }),
      disable: boolean(check.disable, join(path, "disable")),
    }),
  };
}

// Entries `host:ip`, `host=ip` or a mapping, all written `host:ip`; brackets around IPv6 go.
function extraHosts(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const pairs: [string, string][] = Array.isArray(value)
    ? value.flatMap((entry, i): [string, string][] => {
        const line = text(entry, join(path, i)) ?? "";
        const sep = line.includes("=") ? "=" : line.includes(":") ? ":" : undefined;
        if (!sep) return [];
        const at = line.indexOf(sep);
        return [[line.slice(0, at), line.slice(at + 1)]];
      })
    : Object.entries(keyValues(value, path, ":"))
        .map(([host, ip]): [string, string] => [host, ip])
        .sort(([a, x], [b, y]) => (`${a}:${x}` < `${b}:${y}` ? -1 : 1));
  return pairs.map(
    ([host, ip]) =>
      `${host}:${ip.length > 2 && ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip}`,
  );
}

function ulimits(value: unknown, path: string): Record<string, Ulimit> | undefined {
  if (value === undefined || value === null) return undefined;
  const out: Record<string, Ulimit> = {};
  for (const [name, entry] of Object.entries(mapping(value, path))) {
    const at = join(path, name);
    if (isMapping(entry)) {
      out[name] = {
        soft: integer(entry.soft, join(at, "soft")) ?? 0,
        hard: integer(entry.hard, join(at, "hard")) ?? 0,
      };
    } else out[name] = { single: integer(entry, at) ?? 0 };
  }
  return out;
}

function updateConfig(value: unknown, path: string): UpdateConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const update = mapping(value, path);
  return {
    ...drop<UpdateConfig>({
      parallelism: integer(update.parallelism, join(path, "parallelism"), { min: 0 }),
      delay: duration(update.delay, join(path, "delay")),
      failure_action: text(update.failure_action, join(path, "failure_action")),
      monitor: duration(update.monitor, join(path, "monitor")),
      max_failure_ratio: decimal(update.max_failure_ratio, join(path, "max_failure_ratio")),
      order: text(update.order, join(path, "order")),
    }),
  };
}

function resources(value: unknown, path: string): Resources | undefined {
  if (value === undefined || value === null) return undefined;
  const all = mapping(value, path);
  const limits = all.limits === undefined ? undefined : mapping(all.limits, join(path, "limits"));
  const reservations =
    all.reservations === undefined ? undefined : mapping(all.reservations, join(path, "reservations"));
  const at = (part: string, key: string) => join(join(path, part), key);
  return {
    ...drop<Resources>({
      limits: limits && {
        ...drop({
          cpus: text(limits.cpus, at("limits", "cpus")),
          memory: bytes(limits.memory, at("limits", "memory")),
          pids: integer(limits.pids, at("limits", "pids")),
        }),
      },
      reservations: reservations && {
        ...drop({
          cpus: text(reservations.cpus, at("reservations", "cpus")),
          memory: bytes(reservations.memory, at("reservations", "memory")),
          generic_resources: (reservations.generic_resources as unknown[] | undefined)?.map((entry, i) => {
            const spec = mapping(
              mapping(entry, at("reservations", `generic_resources[${i}]`)).discrete_resource_spec,
              path,
            );
            return {
              discrete_resource_spec: {
                kind: text(spec.kind, path) ?? "",
                value: integer(spec.value, at("reservations", `generic_resources[${i}].value`)) ?? 0,
              },
            };
          }),
        }),
      },
    }),
  };
}

function deploy(value: unknown, path: string): Deploy | undefined {
  if (value === undefined || value === null) return undefined;
  const d = mapping(value, path);
  const restart =
    d.restart_policy === undefined ? undefined : mapping(d.restart_policy, join(path, "restart_policy"));
  const placement = d.placement === undefined ? undefined : mapping(d.placement, join(path, "placement"));
  const at = (part: string, key: string) => join(join(path, part), key);
  return {
    ...drop<Deploy>({
      mode: text(d.mode, join(path, "mode")),
      replicas: integer(d.replicas, join(path, "replicas"), { min: 0 }),
      labels: d.labels === undefined ? undefined : keyValues(d.labels, join(path, "labels"), "="),
      update_config: updateConfig(d.update_config, join(path, "update_config")),
      rollback_config: updateConfig(d.rollback_config, join(path, "rollback_config")),
      resources: resources(d.resources, join(path, "resources")),
      restart_policy: restart && {
        ...drop({
          condition: text(restart.condition, at("restart_policy", "condition")),
          delay: duration(restart.delay, at("restart_policy", "delay")),
          max_attempts: integer(restart.max_attempts, at("restart_policy", "max_attempts"), { min: 0 }),
          window: duration(restart.window, at("restart_policy", "window")),
        }),
      },
      placement: placement && {
        ...drop({
          constraints: stringList(placement.constraints, at("placement", "constraints")),
          preferences: (placement.preferences as unknown[] | undefined)?.map((entry, i) => ({
            spread: text(mapping(entry, at("placement", `preferences[${i}]`)).spread, path) ?? "",
          })),
          max_replicas_per_node: integer(
            placement.max_replicas_per_node,
            at("placement", "max_replicas_per_node"),
            {
              min: 0,
            },
          ),
        }),
      },
      endpoint_mode: text(d.endpoint_mode, join(path, "endpoint_mode")),
    }),
  };
}

// env_file lines first, then `environment`; an entry with no value, or an empty one, takes the
// variable's value from the environment when it is set there, as the docker CLI does.
function environment(
  service: Record<string, unknown>,
  path: string,
  context: ServiceContext,
): Record<string, string | null> | undefined {
  const result: Record<string, string | null> = {};
  const apply = (vars: Record<string, string | null>) => {
    for (const [name, value] of Object.entries(vars)) {
      const fromEnv = context.lookup(name);
      result[name] = (value === null || value === "") && fromEnv !== undefined ? fromEnv : value;
    }
  };
  const files =
    service.env_file === undefined
      ? []
      : Array.isArray(service.env_file)
        ? service.env_file
        : [service.env_file];
  files.forEach((entry, i) => {
    const at = join(join(path, "env_file"), i);
    const file = isMapping(entry) ? text(entry.path, join(at, "path")) : text(entry, at);
    const required = isMapping(entry) ? (boolean(entry.required, join(at, "required")) ?? true) : true;
    if (file === undefined) return;
    try {
      apply(keyValues(context.readEnvFile(absolute(context.workingDir, file), required), at, "=", true));
    } catch (error) {
      if (error instanceof ComposeProblem) throw error;
      throw new ComposeProblem(at, (error as Error).message);
    }
  });
  apply(keyValues(service.environment, join(path, "environment"), "=", true));
  return files.length === 0 && service.environment === undefined ? undefined : result;
}

/** One service's definition, read into its long form (see ComposeService). */
export function normaliseService(value: unknown, path: string, context: ServiceContext): ComposeService {
  const s = mapping(value, path);
  const at = (key: string) => join(path, key);
  const extensions = Object.fromEntries(Object.entries(s).filter(([key]) => key.startsWith("x-")));
  const credential =
    s.credential_spec === undefined ? undefined : mapping(s.credential_spec, at("credential_spec"));
  const logging = s.logging === undefined ? undefined : mapping(s.logging, at("logging"));
  return {
    ...drop<ComposeService>({
      image: text(s.image, at("image")),
      command: command(s.command, at("command")),
      entrypoint: command(s.entrypoint, at("entrypoint")),
      environment: environment(s, path, context),
      labels: s.labels === undefined ? undefined : keyValues(s.labels, at("labels"), "="),
      ports: ports(s.ports, at("ports")),
      volumes: volumes(s.volumes, at("volumes"), context),
      networks: networks(s.networks, at("networks")),
      secrets: fileReferences(s.secrets, at("secrets")),
      configs: fileReferences(s.configs, at("configs")),
      healthcheck: healthcheck(s.healthcheck, at("healthcheck")),
      hostname: text(s.hostname, at("hostname")),
      user: text(s.user, at("user")),
      working_dir: text(s.working_dir, at("working_dir")),
      stop_grace_period: duration(s.stop_grace_period, at("stop_grace_period")),
      stop_signal: text(s.stop_signal, at("stop_signal")),
      init: boolean(s.init, at("init")),
      tty: boolean(s.tty, at("tty")),
      stdin_open: boolean(s.stdin_open, at("stdin_open")),
      read_only: boolean(s.read_only, at("read_only")),
      extra_hosts: extraHosts(s.extra_hosts, at("extra_hosts")),
      dns: stringList(s.dns, at("dns")),
      dns_search: stringList(s.dns_search, at("dns_search")),
      dns_opt: stringList(s.dns_opt, at("dns_opt")),
      cap_add: stringList(s.cap_add, at("cap_add")),
      cap_drop: stringList(s.cap_drop, at("cap_drop")),
      sysctls: s.sysctls === undefined ? undefined : keyValues(s.sysctls, at("sysctls"), "="),
      ulimits: ulimits(s.ulimits, at("ulimits")),
      logging: logging && {
        ...drop({
          driver: text(logging.driver, at("logging.driver")),
          options:
            logging.options === undefined
              ? undefined
              : keyValues(logging.options, at("logging.options"), "="),
        }),
      },
      deploy: deploy(s.deploy, at("deploy")),
      restart: text(s.restart, at("restart")),
      isolation: text(s.isolation, at("isolation")),
      oom_score_adj: integer(s.oom_score_adj, at("oom_score_adj")),
      credential_spec: credential && {
        ...drop({
          config: text(credential.config, at("credential_spec.config")),
          file: text(credential.file, at("credential_spec.file")),
          registry: text(credential.registry, at("credential_spec.registry")),
        }),
      },
    }),
    ...extensions,
  };
}
