/**
 * Stack frames out of an `exception.stacktrace` string (Python, JS, Java, Go, .NET formats), as
 * file + line for "open at frame". Pure; the host resolves paths against the workspace afterwards.
 */
export interface ParsedFrame {
  text: string;
  file?: string;
  line?: number;
  function?: string;
}

const PATTERNS: { re: RegExp; file: number; line: number; fn?: number }[] = [
  // Python:  File "/app/main.py", line 42, in get_user
  { re: /^\s*File "([^"]+)", line (\d+)(?:, in (\S+))?/, file: 1, line: 2, fn: 3 },
  // JS:      at getUser (/app/src/users.ts:12:5)   |   at /app/src/users.ts:12:5
  { re: /^\s*at (?:(?:async )?([^\s(]+) )?\(?((?:file:\/\/)?[^():]+|[A-Za-z]:\\[^():]+):(\d+)(?::\d+)?\)?\s*$/, file: 2, line: 3, fn: 1 },
  // .NET:    at Shop.Api.Orders.Get() in /src/Orders.cs:line 31
  { re: /^\s*at (\S+?)(?:\(.*\))? in (.+):line (\d+)/, file: 2, line: 3, fn: 1 },
  // Java:    at com.shop.Orders.get(Orders.java:31)
  { re: /^\s*at ([\w$.<>]+)\(([^():]+\.(?:java|kt|scala)):(\d+)\)/, file: 2, line: 3, fn: 1 },
  // Go:      \t/app/orders.go:31 +0x1d
  { re: /^\s*(\/[^:\s]+\.go):(\d+)(?: \+0x[0-9a-f]+)?\s*$/, file: 1, line: 2 },
];

export function parseStackTrace(stack: string, maxFrames = 30): ParsedFrame[] {
  const out: ParsedFrame[] = [];
  for (const raw of stack.split(/\r?\n/)) {
    const text = raw.trimEnd();
    if (!text.trim()) {
      continue;
    }
    let frame: ParsedFrame | undefined;
    for (const p of PATTERNS) {
      const m = p.re.exec(text);
      if (m) {
        frame = { text: text.trim(), file: m[p.file].replace(/^file:\/\//, ''), line: Number(m[p.line]), function: p.fn && m[p.fn] !== 'async' ? m[p.fn] : undefined };
        break;
      }
    }
    if (frame) {
      out.push(frame);
      if (out.length >= maxFrames) {
        break;
      }
    }
  }
  return out;
}
