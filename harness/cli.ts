#!/usr/bin/env node
/**
 * losslab <command>. Exit codes: 0 = every expectation met, 1 = an expectation failed,
 * 2 = harness or configuration error (the message says what to fix).
 * CLI parsing by commander: subcommands, typed options and help text without hand-written parsing.
 */
import { Command } from "commander";
import { lastExitCode, parseImageOption, parseInteger, runAction } from "./commands/action.js";
import { losslabVersion } from "./paths.js";
import { doctorCommand, imagesCommand, setupCommand } from "./commands/setup.js";
import { envDownCommand, envUpCommand, type EnvUpOptions } from "./commands/env.js";
import { bridgeCommand } from "./commands/bridge.js";
import { registerRunCommands } from "./commands/run.js";

function buildProgram(): Command {
  const program = new Command()
    .name("losslab")
    .description("End-to-end loss testing for MQTT → Kafka pipelines")
    .version(losslabVersion())
    .exitOverride((error) => {
      // commander usage errors (unknown option, missing argument) are configuration errors: exit 2.
      process.exit(error.exitCode === 0 ? 0 : 2);
    });

  program
    .command("setup")
    .description("install and cache Mosquitto, Kafka's jars and Toxiproxy (idempotent)")
    .option("--kafka-version <version>", "Kafka version to fetch (default 3.9.1 or LOSSLAB_KAFKA_VERSION)")
    .action((options: { kafkaVersion?: string }) => runAction(() => setupCommand(options)));

  program
    .command("doctor")
    .description("report what is installed, versions, and whether a Docker engine is reachable")
    .option("--json", "machine-readable output")
    .action((options: { json?: boolean }) => runAction(() => doctorCommand(options)));

  program
    .command("images")
    .description("containers runtime: show which images a run would use and whether the engine has them")
    .option("--build", "build local images (debootstrap + docker import; no registry needed) and show their names")
    .option("--kafka-version <version>", "Kafka version of the kafka image")
    .action((options: { build?: boolean; kafkaVersion?: string }) => runAction(() => imagesCommand(options)));

  const env = program.command("env").description("start or stop an environment by hand");
  env
    .command("up")
    .description("start Mosquitto, Kafka and Toxiproxy, print the endpoints, keep them until Ctrl-C")
    .option("--brokers <n>", "Kafka brokers: 1 or 3", parseInteger, 1)
    .option("--kafka-version <version>", "Kafka version")
    .option("--persistence", "Mosquitto persistence on")
    .option("--json", "print the endpoints as one JSON line")
    .option("--runtime <runtime>", "auto (default), native or containers")
    .option("--image <role=image>", "containers runtime: image for mosquitto, kafka, toxiproxy or bridge (repeatable)", parseImageOption)
    .action((options: EnvUpOptions) =>
      runAction(() => envUpCommand(options)),
    );
  env
    .command("down")
    .description("stop every environment started by `env up` and any process left by a dead run")
    .action(() => runAction(() => envDownCommand()));

  program
    .command("bridge")
    .description("run the reference MQTT → Kafka bridge, configured by LOSSLAB_* environment variables")
    .action(() => runAction(() => bridgeCommand()));

  registerRunCommands(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
process.exit(lastExitCode());
