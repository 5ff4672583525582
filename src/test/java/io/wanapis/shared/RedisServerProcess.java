package io.wanapis.shared;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package; CI installs it in {@code .ci/run}) owned by a
 * test: a free loopback port, no persistence, no daemonizing. {@link #stop()} and
 * {@link #start()} again reuse the same port, so clients see an outage and a recovery.
 */
public final class RedisServerProcess implements AutoCloseable {
  private final Path binary;
  private final int port;
  private final Path dir;
  private Process process;

  private RedisServerProcess(Path binary, int port, Path dir) {
    this.binary = binary;
    this.port = port;
    this.dir = dir;
  }

  /** Finds the binary ({@code REDIS_SERVER} env, /usr/bin/redis-server, then PATH), picks a free port and starts it. */
  public static RedisServerProcess start(String name) {
    Path binary = findBinary();
    try {
      Path dir = Files.createTempDirectory("wanapis-redis-" + name);
      RedisServerProcess r = new RedisServerProcess(binary, freePort(), dir);
      r.start();
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare a redis-server: " + e.getMessage(), e);
    }
  }

  static Path findBinary() {
    String env = System.getenv("REDIS_SERVER");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) return Path.of(env);
    if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) return Path.of("/usr/bin/redis-server");
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        Path p = Path.of(d, "redis-server");
        if (Files.isExecutable(p)) return p;
      }
    }
    throw new IllegalStateException("redis-server not found (looked at $REDIS_SERVER, /usr/bin/redis-server and PATH): "
        + "install it with 'apt-get install -y redis-server' (.ci/run does) to run the shared-state tests");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  public int port() { return port; }

  public String url() { return "redis://127.0.0.1:" + port; }

  public synchronized boolean running() { return process != null && process.isAlive(); }

  /** Starts (again) on the same port and waits until it answers PING (10 s at most). */
  public synchronized void start() {
    if (running()) return;
    List<String> cmd = List.of(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--dir", dir.toString(),
        "--loglevel", "warning");
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": " + log());
      if (ping()) return;
      sleep(20);
    }
    stop();
    throw new IllegalStateException("redis-server on port " + port + " did not answer PING within 10 s: " + log());
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits until the port refuses connections. */
  public synchronized void stop() {
    if (process == null) return;
    pause(false);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** SIGSTOP / SIGCONT: the server keeps its connections but answers nothing (a hung Redis). */
  public synchronized void pause(boolean paused) {
    if (process == null) return;
    try {
      new ProcessBuilder("kill", paused ? "-STOP" : "-CONT", Long.toString(process.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One PING over a raw socket: true when "+PONG" came back. */
  public boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = 0;
      while (n < 7) {
        int r = in.read(buf, n, 7 - n);
        if (r < 0) break;
        n += r;
      }
      return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
