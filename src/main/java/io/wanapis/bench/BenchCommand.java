package io.wanapis.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code wanapis bench}: load clients for the benchmark in {@code bench/run.sh}. They measure
 * what wrk cannot: the time to the first SSE event, and many long-lived streams at once.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark clients (see docs/benchmarks.md).",
    subcommands = {TtftCommand.class, StreamsCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
