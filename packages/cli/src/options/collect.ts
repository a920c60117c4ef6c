/** commander's accumulator for repeatable options: `-l a=1 -l b=2` gives `["a=1", "b=2"]`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
