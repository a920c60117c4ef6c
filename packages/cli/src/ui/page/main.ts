import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Board } from "./board.js";
import { ConfirmHost } from "./confirm.js";
import { html } from "./html.js";
import { ServicePage } from "./service-page.js";
import { ServiceList } from "./services.js";
import { follow, SwarmStore } from "./store.js";

// The page: a header with the views (#/ nodes, #/services, #/service/ID), whichever the address
// names, and the confirmation dialog every action goes through.

const store = new SwarmStore();
follow(store);

function useRoute(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return hash.replace(/^#/, "") || "/";
}

function useStore(): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => store.subscribe(() => setVersion(store.version)), []);
  return version;
}

function App() {
  useStore();
  const route = useRoute();
  const service = route.match(/^\/service\/([^/]+)$/)?.[1];
  const view = service ? "service" : route === "/services" ? "services" : "nodes";
  const running = [...store.tasks.values()].filter(
    (t) => t.state === "running" && t.desiredState === "running",
  ).length;
  return html`
    <header class="top">
      <h1>flotilla</h1>
      <nav>
        <a href="#/" aria-current=${view === "nodes" ? "page" : undefined}>Nodes</a>
        <a href="#/services" aria-current=${view === "services" ? "page" : undefined}>Services</a>
      </nav>
      <p class="counts" data-field="counts">${store.nodes.size} nodes · ${store.services.size} services · ${running} tasks running</p>
    </header>
    ${!store.online && store.loaded && html`<p class="banner" role="status">Reconnecting to flotilla ui…</p>`}
    ${!store.engine.connected && store.engine.error && html`<p class="banner" role="alert">The engine does not answer: ${store.engine.error}</p>`}
    <main>
      ${!store.loaded ? html`<p class="empty">Loading the swarm…</p>` : view === "service" ? html`<${ServicePage} store=${store} id=${decodeURIComponent(service!)} />` : view === "services" ? html`<${ServiceList} store=${store} />` : html`<${Board} store=${store} />`}
    </main>
    <${ConfirmHost} />
  `;
}

render(html`<${App} />`, document.getElementById("app")!);
