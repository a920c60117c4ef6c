import type { CommandContext } from "../../context.js";

export interface UiFlags {
  port?: number;
  open?: boolean;
}

/** Serves the page until the run's signal fires (Ctrl-C, SIGTERM), then closes it and exits as interrupted. */
export async function serve(context: CommandContext, _operands: string[], flags: UiFlags): Promise<void> {
  const [{ startUiServer }, client] = await Promise.all([import("../../ui/server.js"), context.client()]);
  // Fails here, before anything is printed, when no engine answers.
  await client.negotiate();
  {
    await using server = await startUiServer({ client, port: flags.port });
    context.stdout.write(
      `flotilla ui: the swarm at ${context.colors.bold(server.url)}\n` +
        "(only this address opens it: it carries a token; Ctrl-C stops the server)\n",
    );
    if (flags.open) openInBrowser(context, server.url);
    await new Promise<void>((done) => {
      if (context.signal?.aborted) return done();
      context.signal?.addEventListener("abort", () => done(), { once: true });
    });
  }
  // Stopped as every command is (130 for Ctrl-C, 143 for SIGTERM), the server closed first.
  context.signal?.throwIfAborted();
}

/** Hands the address to the desktop's opener; when there is none, the printed address is enough. */
function openInBrowser(context: CommandContext, url: string): void {
  const opener =
    process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer.exe" : "xdg-open";
  void import("node:child_process").then(({ spawn }) => {
    const child = spawn(opener, [url], { stdio: "ignore", detached: true });
    child.on("error", () =>
      context.stderr.write(`flotilla: could not start ${opener}; open the address above yourself\n`),
    );
    child.unref();
  });
}
