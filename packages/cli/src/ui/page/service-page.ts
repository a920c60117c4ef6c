import { useEffect, useRef, useState } from "preact/hooks";
import type { LogView, ServiceDetail, TaskView } from "../wire.js";
import { read } from "./api.js";
import { ask } from "./confirm.js";
import { html } from "./html.js";
import { replicas, UpdateState } from "./services.js";
import type { SwarmStore } from "./store.js";

// One service: its spec in brief (env, secrets and configs by name only), its actions, its tasks
// slot by slot with their history and errors (live from the store), and its logs as they come.

export function ServicePage({ store, id }: { store: SwarmStore; id: string }) {
  const service = store.services.get(id);
  const [detail, setDetail] = useState<ServiceDetail | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const seen = JSON.stringify(service ?? null);
  // The spec is read again whenever the service changes (an update, a scale).
  useEffect(() => {
    let current = true;
    void read<{ detail: ServiceDetail }>(`api/services/${id}`).then((answer) => {
      if (!current) return;
      setDetail(answer.value?.detail);
      setError(answer.error);
    });
    return () => {
      current = false;
    };
  }, [id, seen]);
  if (!service && store.loaded)
    return html`<section class="service-page"><p class="empty">This service is gone (removed?). <a href="#/services">All services</a></p></section>`;
  if (!service) return html`<p class="empty">Loading…</p>`;
  const tasks = [...store.tasks.values()].filter((t) => t.serviceId === id);
  const names = new Map([...store.nodes.values()].map((n) => [n.id, n.hostname]));
  return html`<section class="service-page" data-service-id=${id}>
    <h2>${service.name} ${service.stack ? html`<span class="muted">in stack ${service.stack}</span>` : ""}</h2>
    <p class="summary">
      <span class="badge">${service.mode}</span>
      <span data-field="replicas">${replicas(service)} running</span>
      <span class="image">${service.image}</span>
      <${UpdateState} service=${service} />
    </p>
    <${Actions} id=${id} name=${service.name} mode=${service.mode} image=${service.image} desired=${service.desired} canRollback=${service.canRollback} />
    ${error && html`<p class="outcome refused" role="alert">${error}</p>`}
    ${detail && html`<${Spec} detail=${detail} />`}
    <${TaskHistory} tasks=${tasks} nodes=${names} />
    <${Logs} id=${id} tasks=${store.tasks} nodes=${names} />
  </section>`;
}

function Actions(props: {
  id: string;
  name: string;
  mode: string;
  image: string;
  desired?: number;
  canRollback: boolean;
}) {
  const [count, setCount] = useState(String(props.desired ?? 1));
  const [image, setImage] = useState(props.image);
  const path = (what: string) => `api/services/${props.id}/${what}`;
  return html`<div class="actions">
    ${
      props.mode === "replicated" &&
      html`<form onSubmit=${(e: Event) => {
        e.preventDefault();
        ask({
          question: `Scale ${props.name} to ${count} replicas?`,
          confirm: `Scale to ${count}`,
          path: path("scale"),
          body: { replicas: Number(count) },
        });
      }}>
        <label>Replicas <input type="number" min="0" name="replicas" value=${count} onInput=${(e: Event) => setCount((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">Scale</button>
      </form>`
    }
    <form onSubmit=${(e: Event) => {
      e.preventDefault();
      ask({
        question: `Update ${props.name} to the image ${image}? Its tasks are replaced as its update settings say.`,
        confirm: "Update image",
        path: path("image"),
        body: { image },
      });
    }}>
      <label>Image <input type="text" name="image" value=${image} onInput=${(e: Event) => setImage((e.target as HTMLInputElement).value)} /></label>
      <button type="submit">Update image</button>
    </form>
    <button type="button" onClick=${() => ask({ question: `Restart every task of ${props.name} (a forced update)?`, confirm: "Force restart", path: path("restart") })}>Force restart</button>
    <button type="button" disabled=${!props.canRollback} title=${props.canRollback ? "" : "no earlier spec to go back to"}
      onClick=${() => ask({ question: `Roll ${props.name} back to its previous spec?`, confirm: "Roll back", path: path("rollback") })}>Roll back</button>
  </div>`;
}

function Spec({ detail }: { detail: ServiceDetail }) {
  const rows: [string, string][] = [
    ["Command", detail.command.join(" ") || "the image's own"],
    ["Environment", detail.envNames.length ? `${detail.envNames.join(", ")} (values not shown)` : "none"],
    ["Secrets", detail.secrets.join(", ") || "none"],
    ["Configs", detail.configs.join(", ") || "none"],
    ["Ports", detail.ports.join(", ") || "none"],
    ["Networks", detail.networks.join(", ") || "none"],
    ["Mounts", detail.mounts.join(", ") || "none"],
    ["Constraints", detail.constraints.join(", ") || "none"],
    ["Updates", detail.updateConfig],
    ["Restarts", detail.restartPolicy],
    ["Created", detail.createdAt],
    ["Updated", detail.updatedAt],
  ];
  return html`<details class="spec" open>
    <summary>Spec</summary>
    <dl>${rows.map(([k, v]) => html`<div key=${k}><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
  </details>`;
}

function TaskHistory({ tasks, nodes }: { tasks: TaskView[]; nodes: Map<string, string> }) {
  const slots = new Map<string, TaskView[]>();
  for (const task of tasks) {
    const key = task.slot !== undefined ? `slot ${task.slot}` : `node ${nodes.get(task.nodeId ?? "") ?? "?"}`;
    slots.set(key, [...(slots.get(key) ?? []), task]);
  }
  const keys = [...slots.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return html`<section class="tasks" aria-label="Tasks">
    <h3>Tasks</h3>
    ${keys.map((key) => {
      const history = slots.get(key)!.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
      return html`<div class="slot" key=${key}>
        <h4>${key}</h4>
        <ol>${history.map(
          (t) => html`<li key=${t.id} class=${`state-${t.state}`} data-task-id=${t.id} data-state=${t.state}>
            <span class="state">${t.state}</span>
            <span>${t.desiredState !== t.state ? `(wanted ${t.desiredState})` : ""}</span>
            <span>${nodes.get(t.nodeId ?? "") ?? ""}</span>
            <span class="image">${t.image}</span>
            <time>${t.since}</time>
            ${(t.error || t.exitCode !== undefined) && html`<span class="error">${t.error ?? ""}${t.exitCode !== undefined ? ` (exit ${t.exitCode})` : ""}</span>`}
          </li>`,
        )}</ol>
      </div>`;
    })}
  </section>`;
}

const KEEP_LINES = 2000;

function Logs({
  id,
  tasks,
  nodes,
}: {
  id: string;
  tasks: Map<string, TaskView>;
  nodes: Map<string, string>;
}) {
  const [tail, setTail] = useState("100");
  const [followOn, setFollow] = useState(true);
  const [lines, setLines] = useState<LogView[]>([]);
  const [note, setNote] = useState<string | undefined>(undefined);
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    setLines([]);
    setNote(undefined);
    const source = new EventSource(`api/services/${id}/logs?tail=${tail}&follow=${followOn ? 1 : 0}`);
    let pending: LogView[] = [];
    let frame: number | undefined;
    const flush = () => {
      frame = undefined;
      const add = pending;
      pending = [];
      setLines((old) => [...old, ...add].slice(-KEEP_LINES));
    };
    source.addEventListener("line", (event) => {
      pending.push(JSON.parse((event as MessageEvent).data));
      frame ??= requestAnimationFrame(flush);
    });
    source.addEventListener("end", () => {
      source.close();
      setNote(followOn ? "the log stream ended" : undefined);
    });
    source.addEventListener("failed", (event) => {
      source.close();
      setNote(JSON.parse((event as MessageEvent).data).error);
    });
    return () => {
      source.close();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [id, tail, followOn]);
  useEffect(() => {
    if (followOn && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, followOn]);
  const label = (line: LogView) => {
    const task = tasks.get(line.taskId ?? "");
    const where = nodes.get(line.nodeId ?? "") ?? "";
    return `${task?.slot !== undefined ? `.${task.slot}` : ""}${where ? `@${where}` : ""}`;
  };
  return html`<section class="logs" aria-label="Logs">
    <h3>Logs</h3>
    <div class="log-controls">
      <label>Last <select value=${tail} onChange=${(e: Event) => setTail((e.target as HTMLSelectElement).value)}>
        ${["50", "100", "500", "all"].map((n) => html`<option value=${n}>${n}</option>`)}
      </select> lines</label>
      <label><input type="checkbox" checked=${followOn} onChange=${(e: Event) => setFollow((e.target as HTMLInputElement).checked)} /> Follow</label>
    </div>
    <pre ref=${box} class="log-lines" data-lines=${lines.length}>${lines.map(
      (l, i) =>
        html`<div key=${i} class=${`log-${l.stream}`}><span class="muted">${label(l)}</span> ${l.line}</div>`,
    )}</pre>
    ${note && html`<p class="muted" role="status">${note}</p>`}
  </section>`;
}
