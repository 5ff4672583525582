package io.wanapis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every admin command shares, and printing its answers. */
final class AdminOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--url", description = "Gateway address (env: WANAPIS_URL; default http://127.0.0.1:4000).")
  String url;

  @Option(names = "--admin-key", description = "Master, admin or team admin key (env: WANAPIS_ADMIN_KEY, else WANAPIS_MASTER_KEY).")
  String adminKey;

  @Option(names = "--json", description = "Print the admin API's JSON answer instead of text.")
  boolean json;

  AdminClient client() {
    String u = url != null ? url : env("WANAPIS_URL", "http://127.0.0.1:4000");
    String k = adminKey != null ? adminKey : env("WANAPIS_ADMIN_KEY", env("WANAPIS_MASTER_KEY", null));
    if (k == null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no admin key: pass --admin-key or set WANAPIS_ADMIN_KEY");
    return new AdminClient(u, k);
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }

  PrintWriter out() { return spec.commandLine().getOut(); }
  PrintWriter err() { return spec.commandLine().getErr(); }

  /** Prints an error answer to stderr (as JSON with --json) and returns the exit code 1. */
  int fail(AdminClient.Answer a) {
    if (json) out().println(pretty(a.body()));
    err().println("wanapis: " + a.errorMessage());
    return 1;
  }

  void printJson(JsonNode n) {
    out().println(pretty(n));
  }

  static String pretty(JsonNode n) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (java.io.IOException e) {
      return n.toString();
    }
  }
}
