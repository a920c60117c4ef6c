// The engine's (and swarmkit's) texts that a user should not have to decode, each with the
// sentence said instead. Matched against the message the CLI would print; the first match wins.
// The original stays available: `--debug` prints it under the sentence (see run-cli.ts).

interface Sentence {
  /** What the engine says; capture groups feed `say`. */
  pattern: RegExp;
  say: (match: RegExpMatchArray) => string;
}

const SENTENCES: readonly Sentence[] = [
  {
    // Swarmkit refuses a second object of a kind under a name in use.
    pattern: /name conflicts with an existing object: (\w+) (\S+) already exists/,
    say: ([, kind, name]) =>
      `a ${kind} named "${name}" already exists; choose another name or remove it first`,
  },
  {
    // Two references of one service would be the same file in the container.
    pattern: /(secret|config) references '([^']+)' and '([^']+)' have a conflicting target: '([^']+)'/,
    say: ([, kind, first, second, target]) =>
      first === second
        ? `${kind} "${first}" is already linked to this service as ${fileOf(kind!, target!)}`
        : `${kind}s "${first}" and "${second}" would both be ${fileOf(kind!, target!)}; give one another file name`,
  },
  {
    // The docker context store names a context's directory by a hash of its name: not a user's word.
    pattern: /^context "([^"]+)" \(from ([^)]+)\) does not exist: no \S+meta\.json/,
    say: ([, name, from]) =>
      `no docker context named "${name}" (${fromText(from!)}); \`flotilla context ls\` lists them`,
  },
  {
    // gRPC's framing around swarmkit's own sentence: keep the sentence.
    pattern: /^rpc error: code = \w+ desc = (.+)$/s,
    say: ([, description]) => description!,
  },
];

function fileOf(kind: string, target: string): string {
  return target.startsWith("/") ? target : kind === "secret" ? `/run/secrets/${target}` : `/${target}`;
}

/** Where the context's name came from (the transport's EndpointSource), in the user's words. */
function fromText(source: string): string {
  if (source === "option") return "given by --context or --grid";
  if (source === "config") return "the current context in the docker config";
  return `from ${source}`;
}

/** The sentence for an engine text, or the text itself when none is due. */
export function sentenceFor(text: string): string {
  for (const { pattern, say } of SENTENCES) {
    const match = text.match(pattern);
    if (match) return say(match);
  }
  return text;
}
