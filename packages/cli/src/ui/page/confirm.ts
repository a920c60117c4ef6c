import { useState } from "preact/hooks";
import { act } from "./api.js";
import { html } from "./html.js";

// Every action asks first: a dialog says what will happen, and only its button sends it. What
// the engine answers (done, or its refusal in its own words) stays on screen until dismissed.

export interface Asked {
  question: string;
  confirm: string;
  path: string;
  body?: unknown;
}

type Outcome = { kind: "done" | "refused"; text: string };

let show: ((asked: Asked | undefined) => void) | undefined;

/** Asks to confirm an action; the dialog sends it. */
export function ask(asked: Asked): void {
  show?.(asked);
}

export function ConfirmHost() {
  const [asked, setAsked] = useState<Asked | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  show = (next) => {
    setOutcome(undefined);
    setAsked(next);
  };
  const send = async () => {
    if (!asked) return;
    setBusy(true);
    const refusal = await act(asked.path, asked.body);
    setBusy(false);
    setAsked(undefined);
    setOutcome(
      refusal === undefined
        ? { kind: "done", text: `Done: ${asked.confirm.toLowerCase()}` }
        : { kind: "refused", text: refusal },
    );
  };
  return html`
    ${
      asked &&
      html`<div class="overlay">
        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-question">
          <p id="confirm-question">${asked.question}</p>
          <div class="dialog-buttons">
            <button type="button" onClick=${() => setAsked(undefined)} disabled=${busy}>Cancel</button>
            <button type="button" class="primary" onClick=${send} disabled=${busy}>${asked.confirm}</button>
          </div>
        </div>
      </div>`
    }
    ${
      outcome &&
      html`<div class=${`outcome ${outcome.kind}`} role=${outcome.kind === "refused" ? "alert" : "status"}>
        <span>${outcome.kind === "refused" ? "Refused: " : ""}${outcome.text}</span>
        <button type="button" aria-label="Dismiss" onClick=${() => setOutcome(undefined)}>×</button>
      </div>`
    }
  `;
}
