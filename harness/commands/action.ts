/** Runs a command body and maps its outcome to the exit code contract (0 / 1 / 2). */
import { IMAGE_ROLES, parseImageOverride, type ContainerImages } from "../setup/images.js";
import { InvalidArgumentError } from "commander";
import { describeError, LosslabError } from "../errors.js";

export type CommandAction = () => Promise<number>;

let exitCode = 0;

export function lastExitCode(): number {
  return exitCode;
}

export async function runAction(action: CommandAction): Promise<void> {
  try {
    exitCode = await action();
  } catch (error) {
    exitCode = 2;
    if (error instanceof LosslabError) {
      console.error(`losslab: ${error.message}`);
      for (const line of error.details) console.error(`  ${line}`);
      if (error.cause !== undefined && process.env.LOSSLAB_DEBUG) console.error(error.cause);
    } else {
      console.error(`losslab: unexpected error: ${describeError(error)}`);
      if (process.env.LOSSLAB_DEBUG && error instanceof Error) console.error(error.stack);
    }
  }
}

export function parseInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError("not an integer");
  return parsed;
}

/** Commander parser of the repeatable `--image ROLE=IMAGE`. */
export function parseImageOption(value: string, previous?: Partial<ContainerImages>): Partial<ContainerImages> {
  const parsed = parseImageOverride(value, previous);
  if (!parsed) throw new InvalidArgumentError(`expected ROLE=IMAGE with ROLE one of ${IMAGE_ROLES.join(", ")}`);
  return parsed;
}
