/**
 * A path unescaped as Go does: to bytes, whatever they spell (invalid UTF-8 is kept, and read as
 * U+FFFD). The handler refuses a path whose escapes are malformed (`%zz`) before any route runs.
 */
export function unescapePath(path: string): string {
  if (!path.includes("%")) return path;
  const bytes: number[] = [];
  for (let i = 0; i < path.length; i++) {
    if (path[i] === "%") {
      bytes.push(Number.parseInt(path.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(path[i]!));
  }
  return Buffer.from(bytes).toString("utf8");
}
