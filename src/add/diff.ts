// A unified diff of two texts, for --dry-run. Line-based, with three lines of context.

interface Line {
  text: string;
  /** Whether the line ends with a line break. */
  eol: boolean;
}

function lines(s: string): Line[] {
  if (s === "") return [];
  const parts = s.split("\n");
  const last = parts.pop() as string;
  const out = parts.map((p) => ({ text: p.replace(/\r$/, ""), eol: true }));
  if (last !== "") out.push({ text: last, eol: false });
  return out;
}

type Op = { tag: " " | "-" | "+"; line: Line };

const same = (a: Line, b: Line) => a.text === b.text && a.eol === b.eol;

/** Edit script by longest common subsequence, after trimming the common head and tail. */
function ops(a: Line[], b: Line[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && same(a[head], b[head])) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && same(a[a.length - 1 - tail], b[b.length - 1 - tail])) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const lcs = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = same(x[i], y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const mid: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && same(x[i], y[j])) {
      mid.push({ tag: " ", line: x[i++] });
      j++;
    } else if (j < y.length && (i === x.length || lcs[i][j + 1] >= lcs[i + 1][j])) mid.push({ tag: "+", line: y[j++] });
    else mid.push({ tag: "-", line: x[i++] });
  }
  return [...a.slice(0, head).map((line) => ({ tag: " " as const, line })), ...mid, ...a.slice(a.length - tail).map((line) => ({ tag: " " as const, line }))];
}

/** `before` undefined means a new file. Returns "" when nothing differs. */
export function unifiedDiff(path: string, before: string | undefined, after: string, context = 3): string {
  const script = ops(lines(before ?? ""), lines(after));
  const changed = script.map((o, k) => (o.tag !== " " ? k : -1)).filter((k) => k >= 0);
  if (!changed.length) return "";
  const out = [`--- ${before === undefined ? "/dev/null" : `a/${path}`}`, `+++ b/${path}`];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - context);
    let end = changed[k];
    while (k < changed.length && changed[k] - end <= 2 * context) end = changed[k++];
    end = Math.min(script.length - 1, end + context);
    let oldStart = 0;
    let newStart = 0;
    for (let m = 0; m < start; m++) {
      if (script[m].tag !== "+") oldStart++;
      if (script[m].tag !== "-") newStart++;
    }
    const hunk = script.slice(start, end + 1);
    const oldLen = hunk.filter((o) => o.tag !== "+").length;
    const newLen = hunk.filter((o) => o.tag !== "-").length;
    out.push(`@@ -${oldLen ? oldStart + 1 : oldStart},${oldLen} +${newLen ? newStart + 1 : newStart},${newLen} @@`);
    for (const o of hunk) {
      out.push(`${o.tag}${o.line.text}`);
      if (!o.line.eol) out.push("\\ No newline at end of file");
    }
  }
  return `${out.join("\n")}\n`;
}
