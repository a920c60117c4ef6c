import { execFileSync, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

// A pseudo-terminal for the live views: a private tmux server running a shell whose screen the
// test reads back. Each session has its own server socket, so tests never see each other.

export function hasTmux(): boolean {
  return spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
}

export class TmuxScreen {
  readonly #socket = `flotilla-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(env: Record<string, string>, size = { columns: 120, rows: 40 }) {
    const exports = Object.entries(env).map(([k, v]) => `${k}='${v}'`);
    this.#tmux(
      "new-session",
      "-d",
      "-x",
      String(size.columns),
      "-y",
      String(size.rows),
      `env ${exports.join(" ")} PS1='$ ' sh`,
    );
  }

  type(line: string): void {
    this.#tmux("send-keys", "-t", "0", "-l", line);
    this.#tmux("send-keys", "-t", "0", "Enter");
  }

  interrupt(): void {
    this.#tmux("send-keys", "-t", "0", "C-c");
  }

  /** What the terminal shows now (the alternate screen while a full-screen program runs). */
  screen(): string {
    return this.#tmux("capture-pane", "-p", "-t", "0");
  }

  /** The screen once `pattern` appears; fails with the screen after `ms`. */
  async waitFor(pattern: RegExp, ms = 30_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`screen never showed ${pattern}:\n${screen}`);
      await sleep(100);
    }
  }

  close(): void {
    spawnSync("tmux", ["-L", this.#socket, "kill-server"], { stdio: "ignore" });
  }

  #tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.#socket, ...args], { encoding: "utf8" });
  }
}
