// A compose document after loading: every short syntax in its long form, lists that may be maps
// as maps, durations checked (kept as written), sizes in bytes, paths absolute. Keys are the
// compose file's own, so the merged document prints as `docker stack config` prints it.

export type StringMap = Record<string, string>;

export interface ServicePort {
  target: number;
  published?: number;
  protocol?: string;
  mode?: string;
}

export interface ServiceVolume {
  type: string;
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number };
}

export interface FileReference {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface ServiceNetwork {
  aliases?: string[];
  driver_opts?: StringMap;
}

export interface Healthcheck {
  test?: string[];
  interval?: string;
  timeout?: string;
  start_period?: string;
  start_interval?: string;
  retries?: number;
  disable?: boolean;
}

export interface UpdateConfig {
  parallelism?: number;
  delay?: string;
  failure_action?: string;
  monitor?: string;
  max_failure_ratio?: number;
  order?: string;
}

export interface Resources {
  limits?: { cpus?: string; memory?: number; pids?: number };
  reservations?: {
    cpus?: string;
    memory?: number;
    generic_resources?: { discrete_resource_spec?: { kind: string; value: number } }[];
  };
}

export interface Deploy {
  mode?: string;
  replicas?: number;
  labels?: StringMap;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  resources?: Resources;
  restart_policy?: { condition?: string; delay?: string; max_attempts?: number; window?: string };
  placement?: { constraints?: string[]; preferences?: { spread: string }[]; max_replicas_per_node?: number };
  endpoint_mode?: string;
}

export interface Ulimit {
  single?: number;
  soft?: number;
  hard?: number;
}

export interface ComposeService {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  labels?: StringMap;
  ports?: ServicePort[];
  volumes?: ServiceVolume[];
  networks?: Record<string, ServiceNetwork | null>;
  secrets?: FileReference[];
  configs?: FileReference[];
  healthcheck?: Healthcheck;
  hostname?: string;
  user?: string;
  working_dir?: string;
  stop_grace_period?: string;
  stop_signal?: string;
  init?: boolean;
  tty?: boolean;
  stdin_open?: boolean;
  read_only?: boolean;
  extra_hosts?: string[];
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  cap_add?: string[];
  cap_drop?: string[];
  sysctls?: StringMap;
  ulimits?: Record<string, Ulimit>;
  logging?: { driver?: string; options?: StringMap };
  deploy?: Deploy;
  restart?: string;
  isolation?: string;
  oom_score_adj?: number;
  credential_spec?: { config?: string; file?: string; registry?: string };
  [extension: `x-${string}`]: unknown;
}

export interface ComposeNetwork {
  name?: string;
  driver?: string;
  driver_opts?: StringMap;
  attachable?: boolean;
  internal?: boolean;
  labels?: StringMap;
  ipam?: { driver?: string; config?: { subnet?: string }[] };
  external?: boolean;
}

export interface ComposeVolume {
  name?: string;
  driver?: string;
  driver_opts?: StringMap;
  labels?: StringMap;
  external?: boolean;
}

/** A top-level secret or config. */
export interface ComposeFileObject {
  name?: string;
  file?: string;
  external?: boolean;
  labels?: StringMap;
  driver?: string;
  driver_opts?: StringMap;
  template_driver?: string;
}

export interface ComposeDocument {
  version: string;
  services: Record<string, ComposeService>;
  networks: Record<string, ComposeNetwork>;
  volumes: Record<string, ComposeVolume>;
  secrets: Record<string, ComposeFileObject>;
  configs: Record<string, ComposeFileObject>;
}
