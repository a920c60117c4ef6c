// ANSI colour, used only on a terminal and never when --no-color or NO_COLOR says otherwise, so
// piped output stays plain.

export interface Palette {
  enabled: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const same = (text: string) => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) return { enabled, green: same, red: same, yellow: same, dim: same, bold: same };
  return {
    enabled,
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Colours a task or service state: running green, failures red, the way there yellow. */
export function paintState(colors: Palette, state: string, text = state): string {
  if (/^(running|complete|ready|active|deployed)$/.test(state)) return colors.green(text);
  if (/^(failed|rejected|orphaned|down|error|unreachable|failing|update paused|rollback paused)$/.test(state))
    return colors.red(text);
  if (/^(shutdown|remove|stopped|registered|scaled to 0)$/.test(state)) return colors.dim(text);
  return colors.yellow(text);
}
