/**
 * `exception.stacktrace` of Python, JavaScript/Node, Java, Go and .NET parsed into frames, each mapped to a workspace
 * file when the reported path (or, for Java, package + file name) shares a suffix with exactly one workspace file.
 */
import { matchWorkspaceFile, toPosix } from './paths';

export type StackFormat = 'python' | 'javascript' | 'java' | 'go' | 'dotnet' | 'unknown';

export interface StackFrame {
  /** The frame's line(s) as written. */
  raw: string;
  function?: string;
  /** File as reported (Java: `package/path/File.java` rebuilt from the class name). */
  file?: string;
  /** 1-based line as reported. */
  line?: number;
  column?: number;
  inWorkspace: boolean;
  /** The workspace file the frame maps to (as given in `workspaceFiles`). */
  workspacePath?: string;
  /** Workspace files tied for the frame's path (set when more than one: not guessed). */
  candidates?: string[];
}

export interface MappedStackTrace {
  format: StackFormat;
  frames: StackFrame[];
}

const PY_FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$/;
const JS_FRAME = /^\s*at (?:(.+?) \()?((?:file:\/\/)?[^()\s][^()]*?):(\d+):(\d+)\)?\s*$/;
const JAVA_FRAME = /^\s*at (?:[\w.$-]+(?:@[^/]*)?\/)*([\w$.]+)\.([\w$<>-]+)\(([^():]*?)(?::(\d+))?\)\s*$/;
const GO_FILE = /^\t(.+\.go):(\d+)(?: \+0x[0-9a-f]+)?\s*$/;
const DOTNET_FRAME = /^\s*at (.+?\(.*?\))(?: in (.+):line (\d+))?\s*$/;

/** Which runtime wrote the trace, from its most distinctive lines. */
export function detectStackFormat(text: string): StackFormat {
  const lines = text.split(/\r?\n/);
  if (lines.some((l) => PY_FRAME.test(l))) {
    return 'python';
  }
  if (lines.some((l) => /^goroutine \d+ \[/.test(l) || GO_FILE.test(l))) {
    return 'go';
  }
  if (lines.some((l) => / in .+:line \d+\s*$/.test(l))) {
    return 'dotnet';
  }
  if (lines.some((l) => /^\s*at .+\((?:[\w$]+\.java(?::\d+)?|Native Method|Unknown Source)\)\s*$/.test(l))) {
    return 'java';
  }
  if (lines.some((l) => JS_FRAME.test(l))) {
    return 'javascript';
  }
  if (lines.some((l) => DOTNET_FRAME.test(l))) {
    return 'dotnet';
  }
  return 'unknown';
}

function parseFrames(format: StackFormat, lines: string[]): StackFrame[] {
  const frames: StackFrame[] = [];
  const frame = (raw: string, fn: string | undefined, file: string | undefined, line?: string, column?: string): void => {
    const f: StackFrame = { raw, inWorkspace: false };
    if (fn) {
      f.function = fn;
    }
    if (file) {
      f.file = file;
    }
    if (line) {
      f.line = Number(line);
    }
    if (column) {
      f.column = Number(column);
    }
    frames.push(f);
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    let m: RegExpExecArray | null;
    if (format === 'python' && (m = PY_FRAME.exec(l))) {
      frame(l.trim(), m[3], m[1], m[2]);
    } else if (format === 'javascript' && (m = JS_FRAME.exec(l))) {
      frame(l.trim(), m[1]?.replace(/^async /, ''), m[2].replace(/^file:\/\//, ''), m[3], m[4]);
    } else if (format === 'java' && (m = JAVA_FRAME.exec(l))) {
      const cls = m[1];
      const pkg = cls.includes('.') ? cls.slice(0, cls.lastIndexOf('.')).replace(/\./g, '/') : '';
      const file = /\.java$/.test(m[3]) ? (pkg ? `${pkg}/${m[3]}` : m[3]) : undefined;
      frame(l.trim(), `${cls}.${m[2]}`, file, m[4]);
    } else if (format === 'go' && (m = GO_FILE.exec(l))) {
      const prev = i > 0 ? lines[i - 1] : '';
      const fn = prev.startsWith('\t') ? undefined : prev.replace(/^created by /, '').replace(/ in goroutine \d+$/, '').replace(/\([^()]*\)$/, '').trim();
      frame(`${prev.trim()}\n${l.trim()}`, fn || undefined, m[1], m[2]);
    } else if (format === 'dotnet' && (m = DOTNET_FRAME.exec(l))) {
      frame(l.trim(), m[1].replace(/\(.*\)$/, ''), m[2], m[3]);
    }
  }
  return frames;
}

/** Parses a stack trace and maps its frames to the workspace files (workspace-relative or absolute paths). */
export function mapStackTrace(text: string, workspaceFiles: readonly string[]): MappedStackTrace {
  const format = detectStackFormat(text);
  const frames = parseFrames(format, text.split(/\r?\n/));
  const files = workspaceFiles.map(toPosix);
  for (const f of frames) {
    if (!f.file || /(^|\/)(node_modules|site-packages|dist-packages)\//.test(toPosix(f.file)) || f.file.startsWith('node:')) {
      continue;
    }
    const found = matchWorkspaceFile(f.file, files);
    if (found.length === 1) {
      f.inWorkspace = true;
      f.workspacePath = workspaceFiles[files.indexOf(found[0])];
    } else if (found.length > 1) {
      f.candidates = found.map((p) => workspaceFiles[files.indexOf(p)]);
    }
  }
  return { format, frames };
}
