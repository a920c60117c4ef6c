import { compareText } from "./compare.js";
// How Go's fmt prints values, for the cases templates meet: strings bare, lists as `[a b]`,
// maps as `map[k:v]`, nothing as `<no value>`; and printf's common verbs.

export function formatGo(value: unknown): string {
  if (value === undefined || value === null) return "<no value>";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(formatGo).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareText(a, b));
    return `map[${entries.map(([k, v]) => `${k}:${formatGo(v)}`).join(" ")}]`;
  }
  return String(value);
}

const VERB = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([svdqfxXt%])/g;

/** `value` with `digits` decimals; toFixed stops at 100, and past a double's 17 significant digits
 * Go prints the binary value's exact decimals, which toFixed(100) already holds for all but the
 * tiniest numbers: further digits are written as zeros. */
function fixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN";
  const text = value.toFixed(Math.min(digits, 100));
  return digits > 100 ? text + "0".repeat(digits - 100) : text;
}

export function sprintf(format: string, args: readonly unknown[]): string {
  let next = 0;
  return format.replace(
    VERB,
    (_, flags: string, width: string | undefined, precision: string | undefined, verb) => {
      if (verb === "%") return "%";
      // Go's fmt prints these for a width or precision over a million rather than trying.
      if (width !== undefined && Number(width) > 1e6) return "%!(BADWIDTH)";
      if (precision !== undefined && Number(precision) > 1e6) return "%!(BADPREC)";
      if (next >= args.length) return `%!${verb}(MISSING)`;
      const value = args[next++];
      let text: string;
      switch (verb) {
        case "d":
          if (typeof value !== "number") return `%!d(${typeof value}=${formatGo(value)})`;
          text = String(Math.trunc(value));
          break;
        case "f":
          if (typeof value !== "number") return `%!f(${typeof value}=${formatGo(value)})`;
          text = fixed(value, precision === undefined ? 6 : Number(precision));
          break;
        case "q":
          text = JSON.stringify(formatGo(value));
          break;
        case "x":
        case "X":
          text =
            typeof value === "number" ? value.toString(16) : Buffer.from(formatGo(value)).toString("hex");
          if (verb === "X") text = text.toUpperCase();
          break;
        case "t":
          text = String(Boolean(value));
          break;
        default:
          text = formatGo(value);
          if (precision !== undefined) text = text.slice(0, Number(precision));
      }
      if (width === undefined) return text;
      const size = Number(width);
      if (flags.includes("-")) return text.padEnd(size);
      return text.padStart(size, flags.includes("0") && verb !== "s" ? "0" : " ");
    },
  );
}
