import { CliError } from "./errors.ts";

export async function list(_flags: Record<string, unknown>): Promise<void> {
  throw new CliError("list is not implemented yet");
}
