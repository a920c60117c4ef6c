import type { ServiceView } from "../wire.js";
import { html } from "./html.js";
import type { SwarmStore } from "./store.js";

// Services, grouped by stack: mode, replicas running over desired, image, and the update state
// with a progress bar while a rollout (or a rollback) is under way.

const UPDATE_WORDS: Record<string, string> = {
  updating: "updating",
  paused: "update paused",
  completed: "updated",
  rollback_started: "rolling back",
  rollback_paused: "rollback paused",
  rollback_completed: "rolled back",
};

export function ServiceList({ store }: { store: SwarmStore }) {
  const groups = new Map<string, ServiceView[]>();
  for (const service of store.sortedServices()) {
    const key = service.stack ?? "";
    groups.set(key, [...(groups.get(key) ?? []), service]);
  }
  const names = [...groups.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
  if (names.length === 0) return html`<p class="empty">No services yet.</p>`;
  return html`<section class="services">
    ${names.map(
      (name) => html`<div class="stack" key=${name} data-stack=${name}>
        <h2>${name === "" ? "Services outside stacks" : html`Stack <em>${name}</em>`}</h2>
        <table>
          <thead><tr><th>Service</th><th>Mode</th><th>Replicas</th><th>Image</th><th>Update</th></tr></thead>
          <tbody>${groups.get(name)!.map((s) => html`<${ServiceRow} key=${s.id} service=${s} />`)}</tbody>
        </table>
      </div>`,
    )}
  </section>`;
}

export function replicas(service: ServiceView): string {
  return service.desired === undefined ? `${service.running}` : `${service.running}/${service.desired}`;
}

function ServiceRow({ service }: { service: ServiceView }) {
  const short = service.desired !== undefined && service.running < service.desired;
  return html`<tr data-service-id=${service.id} data-service=${service.name}>
    <td data-label="Service"><a href=${`#/service/${service.id}`}>${service.name}</a></td>
    <td data-label="Mode">${service.mode}</td>
    <td data-label="Replicas" class=${short ? "short" : ""} data-field="replicas">${replicas(service)}</td>
    <td data-label="Image" class="image">${service.image}</td>
    <td data-label="Update"><${UpdateState} service=${service} /></td>
  </tr>`;
}

export function UpdateState({ service }: { service: ServiceView }) {
  const update = service.update;
  if (!update) return html`<span class="muted">—</span>`;
  return html`<span class=${`update update-${update.state}`} title=${update.message} data-field="update">
    ${UPDATE_WORDS[update.state] ?? update.state}
    ${
      update.progress !== undefined &&
      html`<progress max="100" value=${Math.round(update.progress * 100)} aria-label="rollout progress"></progress>`
    }
  </span>`;
}
