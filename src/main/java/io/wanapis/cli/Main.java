package io.wanapis.cli;

import io.wanapis.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code wanapis} command line. */
@Command(name = "wanapis", mixinStandardHelpOptions = true, version = "wanapis 0.1.0",
    description = "WanAPIs: one OpenAI-compatible endpoint in front of many model providers.",
    subcommands = {ServeCommand.class, SimulateCommand.class, KeysCommand.class, TeamsCommand.class, PlansCommand.class, AuditCommand.class, UsageCommand.class,
        BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) System.exit(code);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
