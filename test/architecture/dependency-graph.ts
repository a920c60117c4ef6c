import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

// The layering the design asks for: each package may depend only on those listed for it.
// The CLI embeds the fake swarm at run time (its sandbox and demo).
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  types: [],
  transport: ["types"],
  client: ["types", "transport"],
  cli: ["types", "transport", "client", "testing"],
  testing: ["types", "transport"],
};

// Tests may also use the fake swarm, which is why it must never depend on the client.
export const ALLOWED_IN_TESTS: Readonly<Record<string, readonly string[]>> = {
  ...ALLOWED,
  client: [...ALLOWED.client!, "testing"],
};

/** Test code: test files, and anything under a test/ or examples/ folder of a package. */
export function isTestFile(path: string): boolean {
  return /\.test\.[cm]?[jt]s$/.test(path) || /[/\\](test|examples)[/\\]/.test(path);
}

export interface Violation {
  file: string;
  message: string;
}

/** A source file's import and export-from specifiers, static and dynamic. */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** Reads one package's imports of its siblings, from its manifest and from every source file. */
export function checkPackage(
  packagesDir: string,
  name: string,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
  listFiles: (dir: string) => string[] = sourceFiles,
): { uses: Set<string>; violations: Violation[] } {
  const root = join(packagesDir, name);
  const allowed = new Set(ALLOWED[name] ?? []);
  const allowedInTests = new Set(ALLOWED_IN_TESTS[name] ?? []);
  const uses = new Set<string>();
  const violations: Violation[] = [];
  const use = (file: string, target: string, how: string, inTests = isTestFile(file)) => {
    if (target === name) return;
    uses.add(target);
    if (!(inTests ? allowedInTests : allowed).has(target)) {
      violations.push({ file, message: `${name} must not depend on ${target} (${how})` });
    }
  };

  const manifestPath = join(root, "package.json");
  const manifest = JSON.parse(readFile(manifestPath)) as Record<string, Record<string, string> | undefined>;
  for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
    for (const dep of Object.keys(manifest[field] ?? {})) {
      const match = /^@flotilla\/(.+)$/.exec(dep);
      if (match) use(manifestPath, match[1]!, `${field} in package.json`, field === "devDependencies");
    }
  }

  for (const file of listFiles(root)) {
    for (const spec of importSpecifiers(readFile(file))) {
      const pkg = /^@flotilla\/([^/]+)/.exec(spec);
      if (pkg) {
        use(file, pkg[1]!, `imports "${spec}"`);
        continue;
      }
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        const rel = relative(packagesDir, target);
        const targetPackage = rel.startsWith("..") ? undefined : rel.split(sep)[0];
        if (targetPackage !== name) {
          violations.push({ file, message: `${name} reaches outside its package with "${spec}"` });
        }
      }
    }
  }
  return { uses, violations };
}

/** Any cycle in the graph, as the list of packages around it. */
export function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "visiting");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * One package's production modules and the modules each imports (relative specifiers, static,
 * dynamic and type-only alike: a type import is still a dependency of the design).
 */
export function moduleGraph(
  packageRoot: string,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
  listFiles: (dir: string) => string[] = sourceFiles,
): Map<string, Set<string>> {
  const files = listFiles(join(packageRoot, "src")).filter((file) => !isTestFile(file));
  const known = new Set(files);
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of importSpecifiers(readFile(file))) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
      if (known.has(target)) targets.add(relative(packageRoot, target));
    }
    graph.set(relative(packageRoot, file), targets);
  }
  return graph;
}

/** Every group of modules that import each other round, each sorted, as Tarjan's algorithm finds them. */
export function stronglyConnected(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || graph.get(node)?.has(node)) groups.push(group.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return groups;
}
