import type { NodeView, TaskView } from "../wire.js";
import { ask } from "./confirm.js";
import { html } from "./html.js";
import type { SwarmStore } from "./store.js";

// The nodes as columns, each with its tasks as cards coloured by state: the swarm visualizer's
// picture. A card stays (faded) while its task is shutting down, so a drain is seen to happen.

/** Whether the swarm wants the task to run (`ready`: it waits out a restart delay first). */
export function wanted(task: TaskView): boolean {
  return task.desiredState === "running" || task.desiredState === "ready";
}

/** Tasks worth a card: those wanted, and those still running on their way out. */
export function onBoard(task: TaskView): boolean {
  return wanted(task) || task.state === "running";
}

export function Board({ store }: { store: SwarmStore }) {
  const byNode = new Map<string, TaskView[]>();
  for (const task of store.tasks.values()) {
    if (!task.nodeId || !onBoard(task)) continue;
    const list = byNode.get(task.nodeId);
    if (list) list.push(task);
    else byNode.set(task.nodeId, [task]);
  }
  const unplaced = [...store.tasks.values()].filter((t) => !t.nodeId && wanted(t));
  return html`<section class="board" aria-label="Nodes">
    ${store.sortedNodes().map((node) => html`<${NodeColumn} key=${node.id} node=${node} tasks=${byNode.get(node.id) ?? []} />`)}
    ${
      unplaced.length > 0 &&
      html`<div class="column unplaced" data-node="unplaced">
        <header><h2>Not placed</h2><p class="muted">no node can take these yet</p></header>
        <ul class="cards">${unplaced.map((t) => html`<${TaskCard} key=${t.id} task=${t} />`)}</ul>
      </div>`
    }
  </section>`;
}

function NodeColumn({ node, tasks }: { node: NodeView; tasks: TaskView[] }) {
  const sorted = [...tasks].sort(
    (a, b) => a.serviceName.localeCompare(b.serviceName) || (a.slot ?? 0) - (b.slot ?? 0),
  );
  const drained = node.availability !== "active";
  return html`<div class=${`column node-${node.state} availability-${node.availability}`} data-node-id=${node.id} data-hostname=${node.hostname}>
    <header>
      <h2>${node.hostname}${node.leader ? html` <span title="leader" aria-label="leader">★</span>` : ""}</h2>
      <p>
        <span class="badge">${node.role}</span>
        <span class=${`badge avail-${node.availability}`} data-field="availability">${node.availability}</span>
        <span class=${`badge node-state-${node.state}`}>${node.state}</span>
      </p>
      <button
        type="button"
        class="small"
        onClick=${() =>
          ask({
            question: drained
              ? `Make ${node.hostname} active, so the swarm can place tasks on it again?`
              : `Drain ${node.hostname}? Its tasks stop and start again on other nodes.`,
            confirm: drained ? `Activate ${node.hostname}` : `Drain ${node.hostname}`,
            path: `api/nodes/${node.id}/availability`,
            body: { availability: drained ? "active" : "drain" },
          })}
      >
        ${drained ? "Activate" : "Drain"}
      </button>
    </header>
    <ul class="cards">${sorted.map((t) => html`<${TaskCard} key=${t.id} task=${t} />`)}</ul>
  </div>`;
}

export function TaskCard({ task }: { task: TaskView }) {
  const leaving = !wanted(task);
  return html`<li class=${`card state-${task.state}${leaving ? " leaving" : ""}`} data-task-id=${task.id} data-state=${task.state} data-service=${task.serviceName}>
    <a href=${`#/service/${task.serviceId}`}>
      <strong>${task.serviceName}${task.slot !== undefined ? `.${task.slot}` : ""}</strong>
      <span class="image">${task.image}</span>
      <span class="state">${task.state}${leaving ? ` → ${task.desiredState}` : ""}</span>
    </a>
  </li>`;
}
