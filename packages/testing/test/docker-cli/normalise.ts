import type { Step } from "./scenario.js";

// What differs between two runs of the same session on two engines and means nothing: IDs,
// times, host names, the engine's build suffix. Masked the same way on both sides.

export function normalise(step: Step, hostnames: readonly string[]): string {
  const { stdout, stderr, code } = step.ran;
  const text = [
    `$ ${step.command}`,
    stdout.trimEnd(),
    stderr ? `(stderr) ${stderr.trimEnd()}` : "",
    `(exit ${code})`,
  ]
    .filter(Boolean)
    .join("\n");
  let out = text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, "<time>")
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} \w+/g, "<time>")
    .replace(/(About an? |Less than a |\d+ )(second|minute|hour)s?( ago)?/gi, "<ago>")
    .replace(/\b[0-9a-f]{64}\b/g, "<hex64>")
    .replace(/\b[0-9a-z]{25}\b/g, "<id>")
    // Tables start with a short ID; elsewhere a 12-letter word may be just a word.
    .replace(/^[0-9a-z]{12}(?= )/gm, "<id12>")
    .replace(/SWMTKN-1-[0-9a-z-]+/g, "<token>")
    .replace(/20\.10\.\d+\+dfsg\d+/g, "20.10.24");
  out = progress(out);
  for (const host of hostnames) out = out.replace(new RegExp(`\\b${escapeRegExp(host)}\\b`, "g"), "<host>");
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Progress bars are polled: how many "0 out of 3" lines show depends on timing, not on the
 * engine. Interim counts go, the final count stays, and repeats collapse.
 */
function progress(text: string): string {
  const lines = text.split("\n").filter((line) => {
    const counted = /^overall progress: (?:rolling back update: )?(\d+) out of (\d+) tasks$/.exec(line);
    return !counted || counted[1] === counted[2];
  });
  return lines.filter((line, i) => line !== lines[i - 1]).join("\n");
}
