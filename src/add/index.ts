import { CliError } from "../errors.ts";

export async function add(_kind: string, _name: string, _flags: Record<string, unknown>): Promise<void> {
  throw new CliError("add is not implemented yet");
}
