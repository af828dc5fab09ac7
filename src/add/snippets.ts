// How to use a new binding, in the project's language.
import type { Kind, Lang } from "../model.ts";

const python: Record<Kind, (b: string) => string[]> = {
  kv: (b) => [`await self.env.${b}.put("greeting", "hello")`, `value = await self.env.${b}.get("greeting")`],
  d1: (b) => [`row = await self.env.${b}.prepare("SELECT * FROM notes WHERE id = ?").bind(1).first()`],
  r2: (b) => [`await self.env.${b}.put("hello.txt", "hello")`, `obj = await self.env.${b}.get("hello.txt")`, "text = await obj.text() if obj else None"],
};

const typescript: Record<Kind, (b: string) => string[]> = {
  kv: (b) => [`await env.${b}.put("greeting", "hello");`, `const value = await env.${b}.get("greeting");`],
  d1: (b) => [`const row = await env.${b}.prepare("SELECT * FROM notes WHERE id = ?").bind(1).first();`],
  r2: (b) => [`await env.${b}.put("hello.txt", "hello");`, `const object = await env.${b}.get("hello.txt");`, "const text = await object?.text();"],
};

export function usageSnippet(lang: Lang, kind: Kind, binding: string): string[] {
  return (lang === "python" ? python : typescript)[kind](binding);
}
