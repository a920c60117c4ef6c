// What the UI server sends the page: plain summaries of the swarm's objects, made on the server
// (view-model.ts) so the page never sees an engine document, and nothing secret is in them. This
// file has no imports: the page (page/, compiled for the browser) shares it.

export interface NodeView {
  id: string;
  hostname: string;
  role: string;
  availability: string;
  state: string;
  leader: boolean;
  addr: string;
}

export interface TaskView {
  id: string;
  serviceId: string;
  serviceName: string;
  slot?: number;
  nodeId?: string;
  state: string;
  desiredState: string;
  message: string;
  error?: string;
  exitCode?: number;
  image: string;
  /** When the task last changed state (RFC 3339). */
  since: string;
  createdAt: string;
}

export interface UpdateView {
  /** updating, paused, completed, rollback_started, rollback_paused, rollback_completed. */
  state: string;
  message: string;
  startedAt?: string;
  /** During an update: tasks already on the new spec over those wanted, 0..1. */
  progress?: number;
}

export interface ServiceView {
  id: string;
  name: string;
  stack?: string;
  /** replicated, global, replicated-job or global-job. */
  mode: string;
  image: string;
  desired?: number;
  running: number;
  update?: UpdateView;
  /** Whether the engine keeps a previous spec to roll back to. */
  canRollback: boolean;
}

/** A service's spec as the service page shows it: names of env, secrets and configs, never values. */
export interface ServiceDetail {
  service: ServiceView;
  command: string[];
  envNames: string[];
  secrets: string[];
  configs: string[];
  ports: string[];
  networks: string[];
  mounts: string[];
  labels: Record<string, string>;
  constraints: string[];
  updateConfig: string;
  restartPolicy: string;
  createdAt: string;
  updatedAt: string;
}

export interface SwarmView {
  nodes: NodeView[];
  services: ServiceView[];
  tasks: TaskView[];
}

/** One collection's changes: objects added or changed, by id, and ids gone. */
export interface CollectionPatch<T> {
  upsert: T[];
  remove: string[];
}

export interface SwarmPatch {
  nodes: CollectionPatch<NodeView>;
  services: CollectionPatch<ServiceView>;
  tasks: CollectionPatch<TaskView>;
}

/** A log line for the page. */
export interface LogView {
  stream: "stdout" | "stderr";
  line: string;
  timestamp?: string;
  taskId?: string;
  nodeId?: string;
}

/** What an action's request answers when the engine (or the input) refused it. */
export interface ActionRefusal {
  error: string;
}
