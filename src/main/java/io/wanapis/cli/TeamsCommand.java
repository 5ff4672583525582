package io.wanapis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code wanapis teams ...}: teams through the admin API. */
@Command(name = "teams", description = "Create and list teams (talks to the admin API).",
    subcommands = {TeamsCommand.Create.class, TeamsCommand.ListTeams.class})
public final class TeamsCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", description = "Create a team.")
  static final class Create implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() throws Exception {
      AdminClient.Answer a = o.client().send("POST", "/admin/teams", Json.MAPPER.createObjectNode().put("name", name));
      if (!a.ok()) return o.fail(a);
      if (o.json) o.printJson(a.body());
      else o.out().println("Created team " + a.body().path("id").asText() + " (" + name + ").");
      return 0;
    }
  }

  @Command(name = "list", description = "List teams.")
  static final class ListTeams implements Callable<Integer> {
    @Mixin AdminOptions o;

    @Override
    public Integer call() throws Exception {
      AdminClient.Answer a = o.client().get("/admin/teams");
      if (!a.ok()) return o.fail(a);
      if (o.json) {
        o.printJson(a.body());
        return 0;
      }
      for (JsonNode t : a.body().path("data")) o.out().printf("%-22s %s%n", t.path("id").asText(), t.path("name").asText());
      return 0;
    }
  }
}
