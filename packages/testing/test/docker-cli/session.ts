import { normalise } from "./normalise.js";
import { docker, type Ran } from "./run-docker.js";
import type { Step } from "./scenario.js";

// What the wider CLI sessions share: a step runner that asks again until a condition holds (as a
// person would while things converge) and can reshape what it keeps, and the masks for what two
// engines with different histories print differently and which means nothing.

export interface StepOptions {
  stdin?: string;
  /** Ask again until this holds (convergence takes a while on either side). */
  until?: (r: Ran) => boolean;
  /** Keep only this of stdout: a sort where the order is the engine's (or Go's map) choice. */
  shape?: (stdout: string) => string;
}

export type RunStep = (args: string[], options?: StepOptions) => Promise<Ran>;

export function stepRunner(dockerHost: string, steps: Step[]): RunStep {
  return async (args, options = {}) => {
    let ran = await docker(dockerHost, args, options);
    for (let i = 0; options.until && !options.until(ran) && i < 600; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ran = await docker(dockerHost, args, options);
    }
    steps.push({
      command: `docker ${args.join(" ")}`,
      ran: { ...ran, stdout: options.shape ? options.shape(ran.stdout) : ran.stdout },
    });
    return ran;
  };
}

export const sortLines = (stdout: string) => stdout.split("\n").filter(Boolean).sort().join("\n");

/**
 * Besides IDs, times and host names: addresses, VXLAN IDs, object versions and load balancer
 * indexes come from pools and counters the shared engine has moved on with every object others
 * made, and a network peer's name is random; only their presence can match.
 */
export function maskHistory(step: Step, hostnames: string[]): string {
  return (
    normalise(step, hostnames)
      .replace(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(\/\d+)?\b/g, "<ip>")
      .replace(
        /"(vxlanid_list|com\.docker\.network\.driver\.overlay\.vxlanid_list)": ?"\d+"/g,
        '"$1":"<vxlan>"',
      )
      .replace(/"Index": ?\d+/g, '"Index":<n>')
      .replace(/"LocalLBIndex": ?\d+/g, '"LocalLBIndex":<n>')
      .replace(/"Name": ?"[0-9a-f]{12}"/g, '"Name":"<peer>"')
      .replace(/\b02:42(:[0-9a-f]{2}){4}\b/g, "<mac>")
      // Ports the engine picks itself, from 30000 up.
      .replace(/(PublishedPort = |"PublishedPort": ?|\*:|Publish: )3\d{4}\b/g, "$1<port>")
      .replace(/^[0-9a-z]{12}$/gm, "<id12>")
  );
}
