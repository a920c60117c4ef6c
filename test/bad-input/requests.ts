import type { Client } from "@flotilla/client";

// Bad requests, each sent as raw HTTP to the real engine and to the fake: both must answer with
// the status and message recorded here (recorded by sending each request to Docker 20.10, API
// 1.41; names and IDs in messages appear as placeholders). Some the engine takes (unknown fields,
// mount paths it only checks when a task starts, a negative rollback delay): the table records
// that too. `client` says what @flotilla/client does with the same mistake: refuses it before
// sending, naming the field; sends it, and why; or has no way to write it.

/** The objects every target holds before the table runs, and fresh names for each request. */
export interface Fixtures {
  service: string;
  serviceId: string;
  serviceVersion: number;
  node: string;
  nodeVersion: number;
  secret: string;
  secretId: string;
  config: string;
  configId: string;
  network: string;
}

export type ClientColumn =
  /** `call` throws a ValidationError with an issue at the path `refuses`, and sends nothing. */
  | { refuses: string; call: (client: Client, f: Fixtures) => Promise<unknown> }
  /** The client sends it (mostly because only the engine's state tells); the reason. */
  | { sends: string }
  /** The client has no way to write this request. */
  | { cannot: string };

export interface BadRequest {
  name: string;
  method: "GET" | "POST" | "DELETE";
  /** Placeholders `{service}`, `{node}`, `{unique}`... are filled from the target's Fixtures. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent byte for byte instead of `body`. */
  raw?: string;
  headers?: Record<string, string>;
  want: { status: number; message?: string };
  /** Where the fake answers otherwise on purpose: its answer, and why. */
  fake?: { want: { status: number; message?: string }; why: string };
  client: ClientColumn;
}

export const IMAGE = "flotilla-test/busybox:latest";

type Json = Record<string, unknown>;

/** A service spec that would be accepted, with `task` merged into its TaskTemplate. */
function service(top: Json = {}, task: Json = {}, container: Json = {}): Json {
  return {
    Name: "{unique}",
    TaskTemplate: { ContainerSpec: { Image: IMAGE, Args: ["sleep", "300"], ...container }, ...task },
    ...top,
  };
}

const withMount = (mount: Json) => service({}, {}, { Mounts: [mount] });
const V = "/v1.41";
const CREATE = `${V}/services/create`;
const UPDATE = `${V}/services/{serviceId}/update?version={serviceVersion}`;
/** A stale version: whatever passes validation is refused as out of sequence, never applied. */
const NODE_UPDATE = `${V}/nodes/{node}/update?version=0`;
const SWARM_UPDATE = `${V}/swarm/update?version=0`;
const OVERSIZED_SECRET = Buffer.alloc(500 * 1024 + 1, 120).toString("base64");
const OVERSIZED_CONFIG = Buffer.alloc(1000 * 1024 + 1, 120).toString("base64");
const MiB = 1024 * 1024;
/** A spec with one label of `bytes` bytes, named alike on every target so its size is too. */
const withLabel = (bytes: number) => ({
  Name: "fbad-oversized",
  TaskTemplate: { ContainerSpec: { Image: IMAGE } },
  Labels: { big: "x".repeat(bytes) },
});
/** Go's scanner allows 10,000 levels of nesting. */
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
/** A spec whose Replicas (or any raw JSON at `replicas`) is written as given. */
const replicasAs = (literal: string) =>
  `{"Name": "{unique}", "TaskTemplate": {"ContainerSpec": {"Image": "${IMAGE}"}}, "Mode": {"Replicated": {"Replicas": ${literal}}}}`;
const replicasMessage = (literal: string) =>
  `json: cannot unmarshal number ${literal} into Go struct field ReplicatedService.Mode.Replicated.Replicas of type uint64`;
const literalOnly = { cannot: "JSON.stringify never writes a number in this form" } as const;
const image = (reference: string) => service({}, {}, { Image: reference });
const notAnImage = (reference: string) => ({
  status: 400,
  message: `rpc error: code = InvalidArgument desc = ContainerSpec: ${JSON.stringify(reference)} is not a valid repository/tag`,
});

const state = (what: string) => ({ sends: `only the engine knows ${what}` });
const create = (options: Parameters<Client["services"]["create"]>[1]) => (client: Client) =>
  client.services.create(IMAGE, { name: "bad-input", ...options });
/** The node as last read, so an update with a pinned version needs no read of its own. */
const node = (f: Fixtures) => ({
  ID: f.node,
  Spec: { Role: "manager" as const, Availability: "active" as const },
});
const rawCreate = (body: unknown) => (client: Client) =>
  client.raw("POST /services/create", { body: body as never });

export const badRequests: BadRequest[] = [
  // Bodies that are not JSON, or not a ServiceSpec at all.
  {
    name: "malformed JSON, cut short",
    method: "POST",
    path: CREATE,
    raw: '{"Name": "x", "TaskTemplate": {',
    want: { status: 400, message: "unexpected EOF" },
    client: { cannot: "it serialises every body itself" },
  },
  {
    name: "not JSON at all",
    method: "POST",
    path: CREATE,
    raw: "Name=x",
    want: { status: 400, message: "invalid character 'N' looking for beginning of value" },
    client: { cannot: "it serialises every body itself" },
  },
  {
    name: "an empty body",
    method: "POST",
    path: CREATE,
    raw: "",
    want: { status: 400, message: "got EOF while reading request body" },
    client: { cannot: "create always sends a spec" },
  },
  {
    name: "a JSON array for a spec",
    method: "POST",
    path: CREATE,
    body: [],
    want: { status: 400, message: "json: cannot unmarshal array into Go value of type swarm.ServiceSpec" },
    client: { refuses: "", call: rawCreate([]) },
  },
  {
    name: "JSON with a text/plain content type",
    method: "POST",
    path: CREATE,
    body: service(),
    headers: { "content-type": "text/plain" },
    want: { status: 201 },
    client: { cannot: "it always labels JSON as application/json" },
  },
  {
    name: "trailing garbage after the spec",
    method: "POST",
    path: CREATE,
    raw: '{"Name": "x"} {"Name": "y"}',
    want: { status: 400, message: "mismatched Runtime and *Spec fields" },
    client: { cannot: "it serialises every body itself" },
  },
  // Wrong types.
  {
    name: "Name as a number",
    method: "POST",
    path: CREATE,
    body: service({ Name: 5 }),
    want: {
      status: 400,
      message: "json: cannot unmarshal number into Go struct field ServiceSpec.Name of type string",
    },
    client: { refuses: "Name", call: rawCreate(service({ Name: 5 })) },
  },
  {
    name: "Replicas as text",
    method: "POST",
    path: CREATE,
    body: service({ Mode: { Replicated: { Replicas: "3" } } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal string into Go struct field ReplicatedService.Mode.Replicated.Replicas of type uint64",
    },
    client: { refuses: "replicas", call: create({ replicas: "3" as never }) },
  },
  {
    name: "negative Replicas",
    method: "POST",
    path: CREATE,
    body: service({ Mode: { Replicated: { Replicas: -1 } } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number -1 into Go struct field ReplicatedService.Mode.Replicated.Replicas of type uint64",
    },
    client: { refuses: "replicas", call: create({ replicas: -1 }) },
  },
  {
    name: "fractional Replicas",
    method: "POST",
    path: CREATE,
    body: service({ Mode: { Replicated: { Replicas: 1.5 } } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number 1.5 into Go struct field ReplicatedService.Mode.Replicated.Replicas of type uint64",
    },
    client: { refuses: "replicas", call: create({ replicas: 1.5 }) },
  },
  {
    name: "Args as a string",
    method: "POST",
    path: CREATE,
    body: service({}, {}, { Args: "sleep 300" }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal string into Go struct field ContainerSpec.TaskTemplate.ContainerSpec.Args of type []string",
    },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Args",
      call: rawCreate(service({}, {}, { Args: "sleep 300" })),
    },
  },
  {
    name: "Env as an object",
    method: "POST",
    path: CREATE,
    body: service({}, {}, { Env: { A: "1" } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal object into Go struct field ContainerSpec.TaskTemplate.ContainerSpec.Env of type []string",
    },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Env",
      call: rawCreate(service({}, {}, { Env: { A: "1" } })),
    },
  },
  {
    name: "Labels with a number value",
    method: "POST",
    path: CREATE,
    body: service({ Labels: { a: 1 } }),
    want: {
      status: 400,
      message: "json: cannot unmarshal number into Go struct field ServiceSpec.Labels of type string",
    },
    client: { refuses: "Labels.a", call: create({ labels: { a: 1 as never } }) },
  },
  {
    name: "negative parallelism",
    method: "POST",
    path: CREATE,
    body: service({ UpdateConfig: { Parallelism: -2 } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number -2 into Go struct field UpdateConfig.UpdateConfig.Parallelism of type uint64",
    },
    client: { refuses: "UpdateConfig.Parallelism", call: create({ updateConfig: { parallelism: -2 } }) },
  },
  {
    name: "negative restart attempts",
    method: "POST",
    path: CREATE,
    body: service({}, { RestartPolicy: { MaxAttempts: -1 } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number -1 into Go struct field RestartPolicy.TaskTemplate.RestartPolicy.MaxAttempts of type uint64",
    },
    client: {
      refuses: "TaskTemplate.RestartPolicy.MaxAttempts",
      call: create({ restartPolicy: { maxAttempts: -1 } }),
    },
  },
  // Unknown fields: the engine ignores them; the client knows spec/ and refuses them.
  {
    name: "an unknown top-level field",
    method: "POST",
    path: CREATE,
    body: service({ Replicas: 3 }),
    want: { status: 201 },
    client: { refuses: "Replicas", call: rawCreate(service({ Replicas: 3 })) },
  },
  {
    name: "an unknown ContainerSpec field",
    method: "POST",
    path: CREATE,
    body: service({}, {}, { Cmd: ["true"] }),
    want: { status: 201 },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Cmd",
      call: rawCreate(service({}, {}, { Cmd: ["true"] })),
    },
  },
  // Names and modes.
  {
    name: "a name that is not a DNS label",
    method: "POST",
    path: CREATE,
    body: service({ Name: "bad_name!" }),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = name must be valid as a DNS name component",
    },
    client: { refuses: "Name", call: create({ name: "bad_name!" }) },
  },
  {
    name: "a name longer than 63 characters",
    method: "POST",
    path: CREATE,
    body: service({ Name: "n".repeat(64) }),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = name must be 63 characters or fewer",
    },
    client: { refuses: "Name", call: create({ name: "n".repeat(64) }) },
  },
  {
    name: "two service modes at once",
    method: "POST",
    path: CREATE,
    body: service({ Mode: { Replicated: { Replicas: 1 }, Global: {} } }),
    want: { status: 400, message: "must specify only one service mode" },
    client: {
      refuses: "Mode",
      call: rawCreate(service({ Mode: { Replicated: { Replicas: 1 }, Global: {} } })),
    },
  },
  {
    name: "no image",
    method: "POST",
    path: CREATE,
    body: { Name: "{unique}", TaskTemplate: { ContainerSpec: { Args: ["true"] } } },
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided",
    },
    client: { refuses: "image", call: (client) => client.services.create("", { name: "bad-input" }) },
  },
  {
    name: "no task template",
    method: "POST",
    path: CREATE,
    body: { Name: "{unique}" },
    want: { status: 400, message: "mismatched Runtime and *Spec fields" },
    client: { refuses: "TaskTemplate", call: rawCreate({ Name: "bad-input" }) },
  },
  {
    name: "a duplicate service name",
    method: "POST",
    path: CREATE,
    body: service({ Name: "{service}" }),
    want: {
      status: 409,
      message:
        "rpc error: code = AlreadyExists desc = name conflicts with an existing object: service {service} already exists",
    },
    client: state("which names are taken"),
  },
  // Mounts.
  {
    name: "an unknown mount type",
    method: "POST",
    path: CREATE,
    body: withMount({ Type: "nfs", Source: "/tmp", Target: "/data" }),
    want: { status: 400, message: 'invalid MountType: "nfs"' },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Mounts[0].Type",
      call: create({ mounts: [{ type: "nfs" as never, source: "/tmp", target: "/data" }] }),
    },
  },
  {
    name: "a mount without a target",
    method: "POST",
    path: CREATE,
    body: withMount({ Type: "volume", Source: "v" }),
    want: { status: 201 },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Mounts[0].Target",
      call: create({ mounts: [{ type: "volume", source: "v", target: "" }] }),
    },
  },
  {
    name: "a relative mount target",
    method: "POST",
    path: CREATE,
    body: withMount({ Type: "volume", Source: "v", Target: "data" }),
    want: { status: 201 },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Mounts[0].Target",
      call: create({ mounts: [{ type: "volume", source: "v", target: "data" }] }),
    },
  },
  {
    name: "a bind mount without a source",
    method: "POST",
    path: CREATE,
    body: withMount({ Type: "bind", Target: "/data" }),
    want: { status: 201 },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Mounts[0].Source",
      call: create({ mounts: [{ type: "bind", target: "/data" }] }),
    },
  },
  {
    name: "a bind mount with a relative source",
    method: "POST",
    path: CREATE,
    body: withMount({ Type: "bind", Source: "tmp", Target: "/data" }),
    want: { status: 201 },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Mounts[0].Source",
      call: create({ mounts: [{ type: "bind", source: "tmp", target: "/data" }] }),
    },
  },
  {
    name: "a tmpfs mount with a source",
    method: "POST",
    path: CREATE,
    body: withMount({ Type: "tmpfs", Source: "/tmp", Target: "/data" }),
    want: { status: 201 },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Mounts[0].Source",
      call: create({ mounts: [{ type: "tmpfs", source: "/tmp", target: "/data" }] }),
    },
  },
  {
    name: "bind options on a volume mount",
    method: "POST",
    path: CREATE,
    body: withMount({
      Type: "volume",
      Source: "v",
      Target: "/data",
      BindOptions: { Propagation: "rprivate" },
    }),
    want: { status: 201 },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Mounts[0].BindOptions",
      call: create({ mounts: [{ type: "volume", source: "v", target: "/data", propagation: "rprivate" }] }),
    },
  },
  {
    name: "two mounts on one target",
    method: "POST",
    path: CREATE,
    body: service(
      {},
      {},
      {
        Mounts: [
          { Type: "tmpfs", Target: "/data" },
          { Type: "tmpfs", Target: "/data" },
        ],
      },
    ),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = ContainerSpec: duplicate mount point: /data",
    },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Mounts[1].Target",
      call: create({
        mounts: [
          { type: "tmpfs", target: "/data" },
          { type: "tmpfs", target: "/data" },
        ],
      }),
    },
  },
  // Durations and ratios.
  {
    name: "a duration as text",
    method: "POST",
    path: CREATE,
    body: service({ UpdateConfig: { Delay: "10s" } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal string into Go struct field UpdateConfig.UpdateConfig.Delay of type time.Duration",
    },
    client: { refuses: "UpdateConfig.Delay", call: rawCreate(service({ UpdateConfig: { Delay: "10s" } })) },
  },
  {
    name: "a negative update delay",
    method: "POST",
    path: CREATE,
    body: service({ UpdateConfig: { Delay: -1 } }),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = TaskSpec: update-delay cannot be negative",
    },
    client: { refuses: "updateConfig.delay", call: create({ updateConfig: { delay: -1 } }) },
  },
  {
    name: "a negative restart delay",
    method: "POST",
    path: CREATE,
    body: service({}, { RestartPolicy: { Delay: -1 } }),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = TaskSpec: restart-delay cannot be negative",
    },
    client: { refuses: "restartPolicy.delay", call: create({ restartPolicy: { delay: -1 } }) },
  },
  {
    name: "a negative rollback monitor",
    method: "POST",
    path: CREATE,
    body: service({ RollbackConfig: { Monitor: -5 } }),
    want: { status: 201 },
    client: { refuses: "rollbackConfig.monitor", call: create({ rollbackConfig: { monitor: -5 } }) },
  },
  {
    name: "a failure ratio above 1",
    method: "POST",
    path: CREATE,
    body: service({ UpdateConfig: { MaxFailureRatio: 1.5 } }),
    want: {
      status: 400,
      message:
        "rpc error: code = InvalidArgument desc = TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1",
    },
    client: {
      refuses: "UpdateConfig.MaxFailureRatio",
      call: create({ updateConfig: { maxFailureRatio: 1.5 } }),
    },
  },
  {
    name: "a bad duration in the client's words",
    method: "POST",
    path: CREATE,
    body: service({}, {}, { StopGracePeriod: "ten seconds" }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal string into Go struct field ContainerSpec.TaskTemplate.ContainerSpec.StopGracePeriod of type time.Duration",
    },
    client: { refuses: "stopGracePeriod", call: create({ stopGracePeriod: "ten seconds" }) },
  },
  {
    name: "an unknown restart condition",
    method: "POST",
    path: CREATE,
    body: service({}, { RestartPolicy: { Condition: "sometimes" } }),
    want: { status: 400, message: 'invalid RestartCondition: "sometimes"' },
    client: {
      refuses: "TaskTemplate.RestartPolicy.Condition",
      call: create({ restartPolicy: { condition: "sometimes" as never } }),
    },
  },
  {
    name: "an unknown update failure action",
    method: "POST",
    path: CREATE,
    body: service({ UpdateConfig: { FailureAction: "explode" } }),
    want: { status: 400, message: "unrecognized update failure action explode" },
    client: {
      refuses: "UpdateConfig.FailureAction",
      call: create({ updateConfig: { failureAction: "explode" as never } }),
    },
  },
  // Placement, ports and references.
  {
    name: "a constraint without an operator",
    method: "POST",
    path: CREATE,
    body: service({}, { Placement: { Constraints: ["node.role"] } }),
    want: {
      status: 500,
      message: "rpc error: code = Unknown desc = constraint expected one operator from ==, !=",
    },
    client: {
      refuses: "TaskTemplate.Placement.Constraints[0]",
      call: create({ constraints: ["node.role"] }),
    },
  },
  {
    name: "an unknown endpoint mode",
    method: "POST",
    path: CREATE,
    body: service({ EndpointSpec: { Mode: "round-robin" } }),
    want: { status: 400, message: 'invalid resolution mode: "round-robin"' },
    client: {
      refuses: "EndpointSpec.Mode",
      call: create({ endpointSpec: { mode: "round-robin" as never } }),
    },
  },
  {
    name: "an unknown port protocol",
    method: "POST",
    path: CREATE,
    body: service({ EndpointSpec: { Ports: [{ Protocol: "icmp", TargetPort: 80 }] } }),
    want: { status: 201 },
    client: {
      refuses: "EndpointSpec.Ports[0].Protocol",
      call: create({ endpointSpec: { ports: [{ protocol: "icmp" as never, target: 80 }] } }),
    },
  },
  {
    name: "a port number above 65535",
    method: "POST",
    path: CREATE,
    body: service({ EndpointSpec: { Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 70000 }] } }),
    want: { status: 201 },
    client: {
      refuses: "EndpointSpec.Ports[0].PublishedPort",
      call: create({ endpointSpec: { ports: [{ target: 80, published: 70000 }] } }),
    },
  },
  {
    name: "one published port twice",
    method: "POST",
    path: CREATE,
    body: service({
      EndpointSpec: {
        Ports: [
          { Protocol: "tcp", TargetPort: 80, PublishedPort: 18080 },
          { Protocol: "tcp", TargetPort: 81, PublishedPort: 18080 },
        ],
      },
    }),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = EndpointSpec: duplicate published ports provided",
    },
    client: {
      refuses: "EndpointSpec.Ports[1].PublishedPort",
      call: create({
        endpointSpec: {
          ports: [
            { target: 80, published: 18080 },
            { target: 81, published: 18080 },
          ],
        },
      }),
    },
  },
  {
    name: "a spec that is a JSON string",
    method: "POST",
    path: CREATE,
    body: "just a string",
    want: { status: 400, message: "json: cannot unmarshal string into Go value of type swarm.ServiceSpec" },
    client: { refuses: "", call: rawCreate("just a string") },
  },
  {
    name: "an Args element that is a number",
    method: "POST",
    path: CREATE,
    body: service({}, {}, { Args: ["sleep", 300] }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number into Go struct field ContainerSpec.TaskTemplate.ContainerSpec.Args of type string",
    },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Args[1]",
      call: rawCreate(service({}, {}, { Args: ["sleep", 300] })),
    },
  },
  {
    name: "an unknown rollback failure action",
    method: "POST",
    path: CREATE,
    body: service({ RollbackConfig: { FailureAction: "explode" } }),
    want: { status: 400, message: "unrecognized update failure action explode" },
    client: {
      refuses: "RollbackConfig.FailureAction",
      call: create({ rollbackConfig: { failureAction: "explode" as never } }),
    },
  },
  {
    name: "an unknown update order",
    method: "POST",
    path: CREATE,
    body: service({ UpdateConfig: { Order: "sideways" } }),
    want: { status: 400, message: "unrecognized update order sideways" },
    client: { refuses: "UpdateConfig.Order", call: create({ updateConfig: { order: "sideways" as never } }) },
  },
  {
    name: "a negative rollback delay (the engine takes it)",
    method: "POST",
    path: CREATE,
    body: service({ RollbackConfig: { Delay: -1 } }),
    want: { status: 201 },
    client: { refuses: "rollbackConfig.delay", call: create({ rollbackConfig: { delay: -1 } }) },
  },
  {
    name: "ingress ports with dnsrr mode",
    method: "POST",
    path: CREATE,
    body: service({
      EndpointSpec: {
        Mode: "dnsrr",
        Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 18081, PublishMode: "ingress" }],
      },
    }),
    want: {
      status: 400,
      message:
        "rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
    },
    client: {
      refuses: "EndpointSpec.Ports[0].PublishMode",
      call: create({
        endpointSpec: { mode: "dnsrr", ports: [{ target: 80, published: 18081, publishMode: "ingress" }] },
      }),
    },
  },
  {
    name: "an unknown network",
    method: "POST",
    path: CREATE,
    body: service({}, { Networks: [{ Target: "flotilla-no-such-network" }] }),
    want: { status: 500, message: "network flotilla-no-such-network not found" },
    client: state("which networks exist"),
  },
  {
    name: "an unknown secret ID",
    method: "POST",
    path: CREATE,
    body: service(
      {},
      {},
      {
        Secrets: [
          {
            SecretID: "nosuchsecret0000000000000",
            SecretName: "flotilla-no-such-secret",
            File: { Name: "s", UID: "0", GID: "0", Mode: 292 },
          },
        ],
      },
    ),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = secret not found: flotilla-no-such-secret",
    },
    client: state("which secrets exist"),
  },
  {
    name: "a secret without a target file",
    method: "POST",
    path: CREATE,
    body: service({}, {}, { Secrets: [{ SecretID: "{secretId}", SecretName: "{secret}" }] }),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = malformed secret reference, no target provided",
    },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Secrets[0].File",
      call: rawCreate(service({}, {}, { Secrets: [{ SecretID: "x", SecretName: "x" }] })),
    },
  },
  {
    name: "an unknown config ID",
    method: "POST",
    path: CREATE,
    body: service(
      {},
      {},
      {
        Configs: [
          {
            ConfigID: "nosuchconfig0000000000000",
            ConfigName: "flotilla-no-such-config",
            File: { Name: "c", UID: "0", GID: "0", Mode: 292 },
          },
        ],
      },
    ),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = config not found: flotilla-no-such-config",
    },
    client: state("which configs exist"),
  },
  // Service updates and lookups.
  {
    name: "update without a version",
    method: "POST",
    path: `${V}/services/{serviceId}/update`,
    body: service({ Name: "{service}" }),
    want: {
      status: 400,
      message: "invalid service version '': strconv.ParseUint: parsing \"\": invalid syntax",
    },
    client: { cannot: "updates always carry the version read" },
  },
  {
    name: "update with a version that is not a number",
    method: "POST",
    path: `${V}/services/{serviceId}/update?version=latest`,
    body: service({ Name: "{service}" }),
    want: {
      status: 400,
      message: "invalid service version 'latest': strconv.ParseUint: parsing \"latest\": invalid syntax",
    },
    client: { sends: "query parameters are checked by their TypeScript types, not at run time" },
  },
  {
    name: "update with a stale version",
    method: "POST",
    path: `${V}/services/{serviceId}/update?version=0`,
    body: service({ Name: "{service}" }),
    want: { status: 500, message: "rpc error: code = Unknown desc = update out of sequence" },
    client: state("the current version"),
  },
  {
    name: "update that renames the service",
    method: "POST",
    path: UPDATE,
    body: service({ Name: "{unique}" }),
    want: {
      status: 501,
      message: "rpc error: code = Unimplemented desc = renaming services is not supported",
    },
    client: state("the service's current name"),
  },
  {
    name: "update of an unknown service",
    method: "POST",
    path: `${V}/services/flotilla-no-such-service/update?version=1`,
    body: service(),
    want: { status: 404, message: "service flotilla-no-such-service not found" },
    client: state("which services exist"),
  },
  {
    name: "inspect an unknown service",
    method: "GET",
    path: `${V}/services/flotilla-no-such-service`,
    want: { status: 404, message: "service flotilla-no-such-service not found" },
    client: state("which services exist"),
  },
  {
    name: "remove an unknown service",
    method: "DELETE",
    path: `${V}/services/flotilla-no-such-service`,
    want: { status: 404, message: "service flotilla-no-such-service not found" },
    client: state("which services exist"),
  },
  {
    name: "logs with no stream chosen",
    method: "GET",
    path: `${V}/services/{serviceId}/logs`,
    want: { status: 500, message: "Bad parameters: you must choose at least one stream" },
    client: { cannot: "logs always asks for stdout and stderr" },
  },
  {
    name: "inspect an unknown task",
    method: "GET",
    path: `${V}/tasks/flotilla-no-such-task`,
    want: { status: 404, message: "task flotilla-no-such-task not found" },
    client: state("which tasks exist"),
  },
  // Filters.
  {
    name: "filters that are not JSON",
    method: "GET",
    path: `${V}/services?filters=name%3Dx`,
    want: { status: 400, message: "invalid character 'a' in literal null (expecting 'u')" },
    client: { cannot: "it encodes filters from an object" },
  },
  {
    name: "a filter value that is text",
    method: "GET",
    path: `${V}/services?filters=${encodeURIComponent('{"name":"x"}')}`,
    want: { status: 400, message: "json: cannot unmarshal string into Go value of type map[string]bool" },
    client: { cannot: "it always sends filter values as lists" },
  },
  {
    name: "filters cut short",
    method: "GET",
    path: `${V}/services?filters=${encodeURIComponent('{"name":["x"')}`,
    want: { status: 400, message: "unexpected end of JSON input" },
    client: { cannot: "it encodes filters from an object" },
  },
  {
    name: "an unknown service filter",
    method: "GET",
    path: `${V}/services?filters=${encodeURIComponent('{"colour":["red"]}')}`,
    want: { status: 400, message: "Invalid filter 'colour'" },
    client: { sends: "filter keys go through as given; their TypeScript types name the known ones" },
  },
  {
    name: "an unknown task filter",
    method: "GET",
    path: `${V}/tasks?filters=${encodeURIComponent('{"colour":["red"]}')}`,
    want: { status: 400, message: "Invalid filter 'colour'" },
    client: { sends: "filter keys go through as given; their TypeScript types name the known ones" },
  },
  {
    name: "an unknown node filter",
    method: "GET",
    path: `${V}/nodes?filters=${encodeURIComponent('{"colour":["red"]}')}`,
    want: { status: 400, message: "Invalid filter 'colour'" },
    client: { sends: "filter keys go through as given; their TypeScript types name the known ones" },
  },
  {
    name: "an unknown service mode filter",
    method: "GET",
    path: `${V}/services?filters=${encodeURIComponent('{"mode":["sideways"]}')}`,
    want: { status: 200 },
    client: { sends: "filter values go through as given; their TypeScript types name the known ones" },
  },
  {
    name: "inspect an unknown node",
    method: "GET",
    path: `${V}/nodes/flotilla-no-such-node`,
    want: { status: 404, message: "node flotilla-no-such-node not found" },
    client: state("which nodes exist"),
  },
  {
    name: "a node role that does not exist",
    method: "POST",
    path: NODE_UPDATE,
    body: { Role: "king", Availability: "active" },
    want: { status: 400, message: 'invalid Role: "king"' },
    client: {
      refuses: "Role",
      call: (client, f) =>
        client.nodes.update(f.node, { role: "king" as never }, { version: 0, current: node(f) }),
    },
  },
  {
    name: "a node availability that does not exist",
    method: "POST",
    path: NODE_UPDATE,
    body: { Role: "manager", Availability: "asleep" },
    want: { status: 400, message: 'invalid Availability: "asleep"' },
    client: {
      refuses: "Availability",
      call: (client, f) =>
        client.nodes.update(f.node, { availability: "asleep" as never }, { version: 0, current: node(f) }),
    },
  },
  {
    name: "a node update without a version",
    method: "POST",
    path: `${V}/nodes/{node}/update`,
    body: { Role: "manager", Availability: "active" },
    want: {
      status: 400,
      message: "invalid node version '': strconv.ParseUint: parsing \"\": invalid syntax",
    },
    client: { cannot: "node updates always carry the version read" },
  },
  {
    name: "a node update with a stale version",
    method: "POST",
    path: NODE_UPDATE,
    body: { Role: "manager", Availability: "active" },
    want: { status: 500, message: "rpc error: code = Unknown desc = update out of sequence" },
    client: state("the node's current version"),
  },
  {
    name: "an update of an unknown node",
    method: "POST",
    path: `${V}/nodes/flotilla-no-such-node/update?version=1`,
    body: { Role: "worker", Availability: "active" },
    want: { status: 404, message: "node flotilla-no-such-node not found" },
    client: state("which nodes exist"),
  },
  {
    name: "swarm init on a node already in a swarm",
    method: "POST",
    path: `${V}/swarm/init`,
    body: { ListenAddr: "0.0.0.0:2377" },
    want: {
      status: 503,
      message:
        'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.',
    },
    client: state("whether the node is in a swarm"),
  },
  {
    name: "swarm join on a node already in a swarm",
    method: "POST",
    path: `${V}/swarm/join`,
    body: { ListenAddr: "0.0.0.0:2377", RemoteAddrs: ["10.255.255.1:2377"], JoinToken: "SWMTKN-1-x" },
    want: {
      status: 503,
      message:
        'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.',
    },
    client: state("whether the node is in a swarm"),
  },
  {
    name: "a swarm update without a version",
    method: "POST",
    path: `${V}/swarm/update`,
    body: { Name: "default" },
    want: {
      status: 400,
      message: "invalid swarm version '': strconv.ParseUint: parsing \"\": invalid syntax",
    },
    client: { cannot: "swarm updates always carry the version read" },
  },
  {
    name: "a swarm update with a stale version",
    method: "POST",
    path: SWARM_UPDATE,
    body: { Name: "default" },
    want: { status: 500, message: "rpc error: code = Unknown desc = update out of sequence" },
    client: state("the swarm's current version"),
  },
  {
    name: "a negative task history limit (the engine takes it)",
    method: "POST",
    path: SWARM_UPDATE,
    body: { Name: "default", Orchestration: { TaskHistoryRetentionLimit: -1 } },
    want: { status: 500, message: "rpc error: code = Unknown desc = update out of sequence" },
    client: { sends: "the engine takes any whole number here" },
  },
  {
    name: "a negative heartbeat period",
    method: "POST",
    path: SWARM_UPDATE,
    body: { Name: "default", Dispatcher: { HeartbeatPeriod: -1 } },
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = heartbeat time period cannot be a negative duration",
    },
    client: {
      refuses: "dispatcherHeartbeatPeriod",
      call: (client) => client.swarm.update({ spec: { dispatcherHeartbeatPeriod: -1 } }),
    },
  },
  {
    name: "a negative raft snapshot interval",
    method: "POST",
    path: SWARM_UPDATE,
    body: { Name: "default", Raft: { SnapshotInterval: -1 } },
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number -1 into Go struct field RaftConfig.Raft.SnapshotInterval of type uint64",
    },
    client: {
      refuses: "Raft.SnapshotInterval",
      call: (client) => client.swarm.update({ spec: { snapshotInterval: -1 } }),
    },
  },
  {
    name: "a swarm spec that is a JSON array",
    method: "POST",
    path: SWARM_UPDATE,
    body: [],
    want: { status: 400, message: "json: cannot unmarshal array into Go value of type swarm.Spec" },
    client: {
      refuses: "",
      call: (client) => client.raw("POST /swarm/update", { query: { version: 0 }, body: [] as never }),
    },
  },
  {
    name: "a certificate expiry under an hour",
    method: "POST",
    path: SWARM_UPDATE,
    body: { Name: "default", CAConfig: { NodeCertExpiry: 60_000_000_000 } },
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = minimum certificate expiry time is: 1h0m0s",
    },
    client: {
      refuses: "CAConfig.NodeCertExpiry",
      call: (client) => client.swarm.update({ spec: { nodeCertExpiry: "1m" } }),
    },
  },
  {
    name: "renaming the swarm",
    method: "POST",
    path: SWARM_UPDATE,
    body: { Name: "other" },
    want: { status: 400, message: 'swarm spec must be named "default"' },
    client: state("the swarm's name"),
  },
  // Secrets, configs and networks.
  {
    name: "secret data over 500 KB",
    method: "POST",
    path: `${V}/secrets/create`,
    body: { Name: "{unique}", Data: OVERSIZED_SECRET },
    want: {
      status: 400,
      message:
        "rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 512000 bytes",
    },
    client: {
      refuses: "Data",
      call: (client) => client.secrets.create({ name: "bad-input", data: new Uint8Array(500 * 1024 + 1) }),
    },
  },
  {
    name: "empty secret data",
    method: "POST",
    path: `${V}/secrets/create`,
    body: { Name: "{unique}", Data: "" },
    want: {
      status: 400,
      message:
        "rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 512000 bytes",
    },
    client: { refuses: "Data", call: (client) => client.secrets.create({ name: "bad-input", data: "" }) },
  },
  {
    name: "secret data that is not base64",
    method: "POST",
    path: `${V}/secrets/create`,
    body: { Name: "{unique}", Data: "not base64!" },
    want: { status: 400, message: "illegal base64 data at input byte 3" },
    client: { cannot: "it encodes secret data itself" },
  },
  {
    name: "secret data cut short of a base64 quantum",
    method: "POST",
    path: `${V}/secrets/create`,
    body: { Name: "{unique}", Data: "abc" },
    want: { status: 400, message: "illegal base64 data at input byte 0" },
    client: { cannot: "it encodes secret data itself" },
  },
  {
    name: "a secret name with a slash",
    method: "POST",
    path: `${V}/secrets/create`,
    body: { Name: "bad/name", Data: "c2VjcmV0" },
    want: {
      status: 400,
      message:
        "rpc error: code = InvalidArgument desc = invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]",
    },
    client: {
      refuses: "Name",
      call: (client) => client.secrets.create({ name: "bad/name", data: "secret" }),
    },
  },
  {
    name: "a duplicate secret name",
    method: "POST",
    path: `${V}/secrets/create`,
    body: { Name: "{secret}", Data: "c2VjcmV0" },
    want: { status: 409, message: "rpc error: code = AlreadyExists desc = secret {secret} already exists" },
    client: state("which names are taken"),
  },
  {
    name: "changing a secret's data",
    method: "POST",
    path: `${V}/secrets/{secretId}/update?version=0`,
    body: { Name: "{secret}", Data: "b3RoZXI=" },
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = only updates to Labels are allowed",
    },
    client: { cannot: "secret updates only change labels" },
  },
  {
    name: "inspect an unknown secret",
    method: "GET",
    path: `${V}/secrets/flotilla-no-such-secret`,
    want: { status: 404, message: "secret flotilla-no-such-secret not found" },
    client: state("which secrets exist"),
  },
  {
    name: "config data over 1000 KB",
    method: "POST",
    path: `${V}/configs/create`,
    body: { Name: "{unique}", Data: OVERSIZED_CONFIG },
    want: {
      status: 400,
      message:
        "rpc error: code = InvalidArgument desc = config data must be larger than 0 and less than 1024000 bytes",
    },
    client: {
      refuses: "Data",
      call: (client) => client.configs.create({ name: "bad-input", data: new Uint8Array(1000 * 1024 + 1) }),
    },
  },
  {
    name: "a duplicate config name",
    method: "POST",
    path: `${V}/configs/create`,
    body: { Name: "{config}", Data: "Y29uZmln" },
    want: { status: 409, message: "rpc error: code = AlreadyExists desc = config {config} already exists" },
    client: state("which names are taken"),
  },
  {
    name: "inspect an unknown config",
    method: "GET",
    path: `${V}/configs/flotilla-no-such-config`,
    want: { status: 404, message: "config flotilla-no-such-config not found" },
    client: state("which configs exist"),
  },
  {
    name: "a duplicate network name",
    method: "POST",
    path: `${V}/networks/create`,
    body: { Name: "{network}", Driver: "overlay", CheckDuplicate: true },
    want: { status: 409, message: "network with name {network} already exists" },
    client: state("which names are taken"),
  },
  {
    name: "inspect an unknown network",
    method: "GET",
    path: `${V}/networks/flotilla-no-such-network`,
    want: { status: 404, message: "network flotilla-no-such-network not found" },
    client: state("which networks exist"),
  },
  // What one request must not do to the fake: numbers in forms and ranges Go refuses, nesting,
  // references, escapes and sizes the engine refuses (each once killed or bloated the fake).
  {
    name: "a null body",
    method: "POST",
    path: CREATE,
    raw: "null",
    want: { status: 400, message: "mismatched Runtime and *Spec fields" },
    client: { refuses: "", call: rawCreate(null) },
  },
  {
    name: "a body nested one level past Go's limit",
    method: "POST",
    path: CREATE,
    raw: `{"Name": ${nested(10_001)}}`,
    want: { status: 400, message: "invalid character '[' exceeded max depth" },
    client: { cannot: "it serialises every body itself, from values it builds" },
  },
  {
    name: "a body of 100,000 nested brackets",
    method: "POST",
    path: CREATE,
    raw: "[".repeat(100_000),
    want: { status: 400, message: "invalid character '[' exceeded max depth" },
    client: { cannot: "it serialises every body itself, from values it builds" },
  },
  {
    name: "a body nested exactly as deep as Go allows",
    method: "POST",
    path: CREATE,
    raw: nested(10_000),
    want: { status: 400, message: "json: cannot unmarshal array into Go value of type swarm.ServiceSpec" },
    client: { cannot: "it serialises every body itself, from values it builds" },
  },
  {
    name: "Replicas beyond uint64",
    method: "POST",
    path: CREATE,
    raw: replicasAs("100000000000000000000"),
    want: { status: 400, message: replicasMessage("100000000000000000000") },
    client: { refuses: "Mode.Replicated.Replicas", call: create({ replicas: 1e20 }) },
  },
  {
    name: "Replicas one past uint64's largest",
    method: "POST",
    path: CREATE,
    raw: replicasAs("18446744073709551616"),
    want: { status: 400, message: replicasMessage("18446744073709551616") },
    client: literalOnly,
  },
  {
    name: "Replicas written with an exponent",
    method: "POST",
    path: CREATE,
    raw: replicasAs("1e3"),
    want: { status: 400, message: replicasMessage("1e3") },
    client: literalOnly,
  },
  {
    name: "Replicas written with a fraction of zero",
    method: "POST",
    path: CREATE,
    raw: replicasAs("1.0"),
    want: { status: 400, message: replicasMessage("1.0") },
    client: literalOnly,
  },
  {
    name: "Replicas as negative zero",
    method: "POST",
    path: CREATE,
    raw: replicasAs("-0"),
    want: { status: 400, message: replicasMessage("-0") },
    client: literalOnly,
  },
  {
    name: "a memory limit beyond int64",
    method: "POST",
    path: CREATE,
    raw: `{"Name": "{unique}", "TaskTemplate": {"ContainerSpec": {"Image": "${IMAGE}"}, "Resources": {"Limits": {"MemoryBytes": 1e30}}}}`,
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number 1e30 into Go struct field Limit.TaskTemplate.Resources.Limits.MemoryBytes of type int64",
    },
    client: literalOnly,
  },
  {
    name: "a fractional memory limit",
    method: "POST",
    path: CREATE,
    body: service({}, { Resources: { Limits: { MemoryBytes: 1.5 } } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number 1.5 into Go struct field Limit.TaskTemplate.Resources.Limits.MemoryBytes of type int64",
    },
    client: { sends: "spec/ gives MemoryBytes no integer check the client applies" },
  },
  {
    name: "a negative memory limit",
    method: "POST",
    path: CREATE,
    body: service({}, { Resources: { Limits: { MemoryBytes: -5 } } }),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = invalid memory value -5: Must be at least 4MiB",
    },
    client: { sends: "swarmkit's 4 MiB floor is not in spec/" },
  },
  {
    name: "a memory reservation under 4 MiB",
    method: "POST",
    path: CREATE,
    body: service({}, { Resources: { Reservations: { MemoryBytes: 1 } } }),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = invalid memory value 1: Must be at least 4MiB",
    },
    client: { sends: "swarmkit's 4 MiB floor is not in spec/" },
  },
  {
    name: "a negative CPU limit",
    method: "POST",
    path: CREATE,
    body: service({}, { Resources: { Limits: { NanoCPUs: -5 } } }),
    want: {
      status: 400,
      message: "rpc error: code = InvalidArgument desc = invalid cpu value -5e-09: Must be at least 0.001",
    },
    client: { sends: "swarmkit's floor of 0.001 CPUs is not in spec/" },
  },
  {
    name: "a CPU reservation just under 0.001",
    method: "POST",
    path: CREATE,
    body: service({}, { Resources: { Reservations: { NanoCPUs: 999_999 } } }),
    want: {
      status: 400,
      message:
        "rpc error: code = InvalidArgument desc = invalid cpu value 0.000999999: Must be at least 0.001",
    },
    client: { sends: "swarmkit's floor of 0.001 CPUs is not in spec/" },
  },
  {
    name: "a negative target port",
    method: "POST",
    path: CREATE,
    body: service({ EndpointSpec: { Ports: [{ Protocol: "tcp", TargetPort: -1 }] } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number -1 into Go struct field PortConfig.EndpointSpec.Ports.TargetPort of type uint32",
    },
    client: {
      refuses: "EndpointSpec.Ports[0].TargetPort",
      call: create({ endpointSpec: { ports: [{ target: -1 }] } }),
    },
  },
  {
    name: "a published port beyond uint32",
    method: "POST",
    path: CREATE,
    body: service({
      EndpointSpec: { Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 4294967296 }] },
    }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number 4294967296 into Go struct field PortConfig.EndpointSpec.Ports.PublishedPort of type uint32",
    },
    client: {
      refuses: "EndpointSpec.Ports[0].PublishedPort",
      call: create({ endpointSpec: { ports: [{ target: 80, published: 4294967296 }] } }),
    },
  },
  {
    name: "a failure ratio beyond float32",
    method: "POST",
    path: CREATE,
    body: service({ UpdateConfig: { MaxFailureRatio: 1e39 } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number 1e+39 into Go struct field UpdateConfig.UpdateConfig.MaxFailureRatio of type float32",
    },
    client: {
      refuses: "UpdateConfig.MaxFailureRatio",
      call: create({ updateConfig: { maxFailureRatio: 1e39 } }),
    },
  },
  {
    name: "a negative secret file mode",
    method: "POST",
    path: CREATE,
    body: service({}, {}, { Secrets: [{ File: { Name: "x", Mode: -1 } }] }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number -1 into Go struct field SecretReferenceFileTarget.TaskTemplate.ContainerSpec.Secrets.File.Mode of type fs.FileMode",
    },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Secrets[0].File.Mode",
      call: rawCreate(service({}, {}, { Secrets: [{ File: { Name: "x", Mode: -1 } }] })),
    },
  },
  {
    name: "a fractional health check interval",
    method: "POST",
    path: CREATE,
    body: service({}, {}, { Healthcheck: { Interval: 1.5 } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number 1.5 into Go struct field HealthConfig.TaskTemplate.ContainerSpec.Healthcheck.Interval of type time.Duration",
    },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Healthcheck.Interval",
      call: rawCreate(service({}, {}, { Healthcheck: { Interval: 1.5 } })),
    },
  },
  {
    name: "a number for the whole container spec",
    method: "POST",
    path: CREATE,
    body: { Name: "{unique}", TaskTemplate: { ContainerSpec: 5 } },
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number into Go struct field TaskSpec.TaskTemplate.ContainerSpec of type swarm.ContainerSpec",
    },
    client: {
      refuses: "TaskTemplate.ContainerSpec",
      call: rawCreate({ Name: "x", TaskTemplate: { ContainerSpec: 5 } }),
    },
  },
  {
    name: "a string for the port list",
    method: "POST",
    path: CREATE,
    body: service({ EndpointSpec: { Ports: "80" } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal string into Go struct field EndpointSpec.EndpointSpec.Ports of type []swarm.PortConfig",
    },
    client: { refuses: "EndpointSpec.Ports", call: rawCreate(service({ EndpointSpec: { Ports: "80" } })) },
  },
  {
    name: "a number for a restart condition",
    method: "POST",
    path: CREATE,
    body: service({}, { RestartPolicy: { Condition: 5 } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number into Go struct field RestartPolicy.TaskTemplate.RestartPolicy.Condition of type swarm.RestartPolicyCondition",
    },
    client: {
      refuses: "TaskTemplate.RestartPolicy.Condition",
      call: rawCreate(service({}, { RestartPolicy: { Condition: 5 } })),
    },
  },
  {
    name: "the first misfit in the body is the one reported",
    method: "POST",
    path: CREATE,
    body: service({}, {}, { Secrets: [{ File: { Mode: -1 } }], Healthcheck: { Retries: 1.5 } }),
    want: {
      status: 400,
      message:
        "json: cannot unmarshal number -1 into Go struct field SecretReferenceFileTarget.TaskTemplate.ContainerSpec.Secrets.File.Mode of type fs.FileMode",
    },
    client: {
      refuses: "TaskTemplate.ContainerSpec.Secrets[0].File.Mode",
      call: rawCreate(service({}, {}, { Secrets: [{ File: { Mode: -1 } }], Healthcheck: { Retries: 1.5 } })),
    },
  },
  {
    name: "an image with an upper-case repository",
    method: "POST",
    path: CREATE,
    body: image("UPPER:case"),
    want: notAnImage("UPPER:case"),
    client: { sends: "the client does not parse image references" },
  },
  {
    name: "an image name that ends badly after many letters",
    method: "POST",
    path: CREATE,
    body: image(`${"a".repeat(40)}!`),
    want: notAnImage(`${"a".repeat(40)}!`),
    client: { sends: "the client does not parse image references" },
  },
  {
    name: "an image that is a 64-hex ID",
    method: "POST",
    path: CREATE,
    body: image("a".repeat(64)),
    want: notAnImage("a".repeat(64)),
    client: { sends: "the client does not parse image references" },
  },
  {
    name: "an image with a short digest",
    method: "POST",
    path: CREATE,
    body: image("busybox@sha256:abc"),
    want: notAnImage("busybox@sha256:abc"),
    client: { sends: "the client does not parse image references" },
  },
  {
    name: "an image with an empty tag",
    method: "POST",
    path: CREATE,
    body: image("busybox:"),
    want: notAnImage("busybox:"),
    client: { sends: "the client does not parse image references" },
  },
  {
    name: "a bad percent escape in the path",
    method: "GET",
    path: `${V}/services/%zz`,
    want: { status: 400, message: "400 Bad Request" },
    client: { cannot: "it escapes every path parameter" },
  },
  {
    name: "a percent sign cut short at the end of the path",
    method: "GET",
    path: `${V}/services/abc%2`,
    want: { status: 400, message: "400 Bad Request" },
    client: { cannot: "it escapes every path parameter" },
  },
  {
    name: "a bad percent escape in a list's query",
    method: "GET",
    path: `${V}/services?filters=%zz`,
    want: { status: 400, message: 'invalid URL escape "%zz"' },
    client: { cannot: "it escapes every query parameter" },
  },
  {
    name: "a semicolon in a list's query, after a bad escape",
    method: "GET",
    path: `${V}/services?x=%zz&a;b`,
    want: { status: 400, message: "invalid semicolon separator in query" },
    client: { cannot: "it escapes every query parameter" },
  },
  {
    name: "a bad percent escape in a query an inspect ignores",
    method: "GET",
    path: `${V}/services/{serviceId}?%zz=1`,
    want: { status: 200 },
    client: { cannot: "it escapes every query parameter" },
  },
  {
    name: "a spec over raft's transaction limit",
    method: "POST",
    path: CREATE,
    body: withLabel(2 * MiB),
    want: {
      status: 500,
      message: "rpc error: code = Unknown desc = raft: raft message is too large and can't be sent",
    },
    client: { sends: "only swarmkit's encoding of the spec decides its size" },
  },
  {
    name: "a spec over gRPC's message limit",
    method: "POST",
    path: CREATE,
    body: withLabel(5 * MiB),
    want: {
      status: 500,
      message:
        "rpc error: code = ResourceExhausted desc = grpc: received message larger than max (5242959 vs. 4194304)",
    },
    client: { sends: "only swarmkit's encoding of the spec decides its size" },
  },
  {
    name: "a spec larger than the fake holds",
    method: "POST",
    path: CREATE,
    body: withLabel(20 * MiB),
    want: {
      status: 500,
      message:
        "rpc error: code = ResourceExhausted desc = grpc: received message larger than max (20971599 vs. 4194304)",
    },
    client: { sends: "only swarmkit's encoding of the spec decides its size" },
  },
  // Versions and paths.
  {
    name: "an API version newer than the engine's",
    method: "GET",
    path: "/v1.99/services",
    want: { status: 400, message: "client version 1.99 is too new. Maximum supported API version is 1.41" },
    fake: {
      want: { status: 400, message: "client version 1.99 is too new. Maximum supported API version is 1.56" },
      why: "the fake serves every version spec/ describes, so clients pinned above 1.41 still work",
    },
    client: { sends: "only the engine knows its newest version (negotiation never goes above it)" },
  },
  {
    name: "an API version older than the engine's minimum",
    method: "GET",
    path: "/v1.11/services",
    want: {
      status: 400,
      message:
        "client version 1.11 is too old. Minimum supported API version is 1.12, please upgrade your client to a newer version",
    },
    client: { cannot: "a pin older than 1.24 is refused (VersionError) when the client is built" },
  },
  {
    name: "a version that is not a version",
    method: "GET",
    path: "/vlatest/services",
    want: { status: 404, message: "page not found" },
    client: { cannot: "versions come from negotiation or a checked pin" },
  },
  {
    name: "an unknown path",
    method: "GET",
    path: `${V}/servicez`,
    want: { status: 404, message: "page not found" },
    client: { cannot: "routes come from spec/" },
  },
  {
    name: "a known path with the wrong method",
    method: "DELETE",
    path: `${V}/services`,
    want: { status: 404, message: "page not found" },
    client: { cannot: "routes come from spec/" },
  },
];
