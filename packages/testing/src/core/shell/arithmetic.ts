// POSIX arithmetic expansion, `$((...))`, as busybox sh evaluates it: signed 64-bit integers,
// C's operators and precedence with `**` and `,`, `++`/`--`, assignment, and variables by name
// (unset or empty is 0; a value that is not a number is itself evaluated as an expression).

/** Internal: busybox prints these as `sh: <message>` and the script ends with status 2. */
export class ArithmeticError extends Error {
  override readonly name = "ArithmeticError";
}

export interface Variables {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

const TOKEN =
  /\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*|\*\*=|<<=|>>=|\*\*|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|[-+*/%<>&|^!~?:=(),])/y;

const LEVELS: string[][] = [
  ["||"],
  ["&&"],
  ["|"],
  ["^"],
  ["&"],
  ["==", "!="],
  ["<", "<=", ">", ">="],
  ["<<", ">>"],
  ["+", "-"],
  ["*", "/", "%"],
];
const int64 = (n: bigint) => BigInt.asIntN(64, n);
const truth = (b: boolean) => (b ? 1n : 0n);

function apply(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case "+":
      return int64(a + b);
    case "-":
      return int64(a - b);
    case "*":
      return int64(a * b);
    case "**":
      if (b < 0n) throw new ArithmeticError("exponent less than 0");
      return int64(a ** b);
    case "/":
    case "%":
      if (b === 0n) throw new ArithmeticError("divide by zero");
      return int64(op === "/" ? a / b : a % b);
    case "<<":
      return int64(a << (b & 63n));
    case ">>":
      return a >> (b & 63n);
    case "&":
      return a & b;
    case "|":
      return a | b;
    case "^":
      return a ^ b;
    case "<":
      return truth(a < b);
    case "<=":
      return truth(a <= b);
    case ">":
      return truth(a > b);
    case ">=":
      return truth(a >= b);
    case "==":
      return truth(a === b);
    case "!=":
      return truth(a !== b);
    case "&&":
      return truth(a !== 0n && b !== 0n);
    default:
      return truth(a !== 0n || b !== 0n);
  }
}

/** Evaluates the text between `$((` and `))`, whose `$NAME`s are already expanded. */
export function evaluate(expression: string, vars: Variables): string {
  return String(evaluateIn(expression, vars, new Set()));
}

function evaluateIn(expression: string, vars: Variables, evaluating: Set<string>): bigint {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let end = 0;
  for (let m = TOKEN.exec(expression); m; m = TOKEN.exec(expression)) {
    tokens.push(m[1]!);
    end = TOKEN.lastIndex;
  }
  if (expression.slice(end).trim() !== "") throw new ArithmeticError("arithmetic syntax error");
  if (tokens.length === 0) return 0n;
  let pos = 0;
  const peek = () => tokens[pos];
  const isName = (token: string | undefined) => token !== undefined && /^[A-Za-z_]/.test(token);
  const fail = (): never => {
    throw new ArithmeticError("arithmetic syntax error");
  };

  const variable = (name: string): bigint => {
    const text = (vars.get(name) ?? "").trim();
    if (text === "") return 0n;
    if (/^[-+]?\d/.test(text) && !/[^\w]/.test(text.slice(1))) return number(text);
    if (evaluating.has(name)) throw new ArithmeticError("expression recursion loop detected");
    evaluating.add(name);
    try {
      return evaluateIn(text, vars, evaluating);
    } finally {
      evaluating.delete(name);
    }
  };
  const number = (text: string): bigint => {
    const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
    if (!m) return fail();
    const digits = m[2]!;
    const n = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
    return int64(m[1] === "-" ? -n : n);
  };
  const store = (name: string, value: bigint, live: boolean) => {
    if (live) vars.set(name, String(value));
    return value;
  };

  // Each level returns the value; `live` false means a short-circuited branch: no assignments.
  const comma = (live: boolean): bigint => {
    let value = assignment(live);
    while (peek() === ",") {
      pos++;
      value = assignment(live);
    }
    return value;
  };
  const assignment = (live: boolean): bigint => {
    const name = peek();
    const op = tokens[pos + 1];
    if (isName(name) && op && /^(?:[-+*/%&|^]|\*\*|<<|>>)?=$/.test(op)) {
      pos += 2;
      const right = assignment(live);
      return store(name!, op === "=" ? right : apply(op.slice(0, -1), variable(name!), right), live);
    }
    return conditional(live);
  };
  const conditional = (live: boolean): bigint => {
    const test = binary(0, live);
    if (peek() !== "?") return test;
    pos++;
    const yes = comma(live && test !== 0n);
    if (tokens[pos++] !== ":") fail();
    const no = conditional(live && test === 0n);
    return test !== 0n ? yes : no;
  };
  const binary = (level: number, live: boolean): bigint => {
    if (level === LEVELS.length) return power(live);
    let left = binary(level + 1, live);
    for (let op = peek(); op; op = peek()) {
      // `5--3` is 5 - -3: a `--` or `++` that follows a value is a sign pair, not a decrement.
      if (op === "--" || op === "++") tokens.splice(pos, 1, op[0]!, op[0]!);
      op = peek()!;
      if (!LEVELS[level]!.includes(op)) break;
      pos++;
      const shortCircuit = (op === "&&" && left === 0n) || (op === "||" && left !== 0n);
      const right = binary(level + 1, live && !shortCircuit);
      left = shortCircuit ? truth(op === "||") : apply(op, left, right);
    }
    return left;
  };
  /** `**` binds tighter than `*` and to the right, with signed operands: `-2**2` is 4. */
  const power = (live: boolean): bigint => {
    const base = unary(live);
    if (peek() !== "**") return base;
    pos++;
    return apply("**", base, power(live));
  };
  const unary = (live: boolean): bigint => {
    const op = peek();
    if ((op === "++" || op === "--") && isName(tokens[pos + 1])) {
      const name = tokens[pos + 1]!;
      pos += 2;
      return store(name, int64(variable(name) + (op === "++" ? 1n : -1n)), live);
    }
    if (op === "-" || op === "+" || op === "!" || op === "~" || op === "--" || op === "++") {
      pos++;
      const value = unary(live);
      if (op === "--" || op === "++") return value;
      return op === "-" ? int64(-value) : op === "+" ? value : op === "!" ? truth(value === 0n) : ~value;
    }
    return primary(live);
  };
  const primary = (live: boolean): bigint => {
    const token = tokens[pos++];
    if (token === undefined) return fail();
    if (token === "(") {
      const value = comma(live);
      if (tokens[pos++] !== ")") fail();
      return value;
    }
    if (/^\d/.test(token)) return number(token);
    if (!isName(token)) return fail();
    const after = peek();
    if (after === "++" || after === "--") {
      pos++;
      const value = variable(token);
      store(token, int64(value + (after === "++" ? 1n : -1n)), live);
      return value;
    }
    return variable(token);
  };

  const result = comma(true);
  if (pos !== tokens.length) fail();
  return result;
}
