package org.psychcode.fhir.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server as a process of its own (a JVM started from the tests' class path), for what a server started inside the
 * test JVM cannot show: a {@code kill -9} in the middle of a stream of writes ({@link #kill()} sends SIGKILL: no
 * shutdown hook, no connection pool closed, no H2 file closed), a restart on the same database, two servers on one
 * database. Started with the warm-ups off and the JIT's first tier only, so it is ready in seconds; its output goes to
 * a log file under target/ that a failing test names.
 */
public final class ServerProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts a server with these arguments ({@code --key=value}) and waits until it answers {@code /fhir/metadata}. */
  public static ServerProcess start(String name, List<String> arguments) throws IOException, InterruptedException {
    return start(name, List.of(), arguments);
  }

  /** As {@link #start(String, List)}, with JVM options after the usual ones (a later {@code -Xmx} wins). */
  public static ServerProcess start(String name, List<String> jvmOptions, List<String> arguments)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = Path.of("target", "server-processes", name + "-" + port + ".log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add("org.psychcode.fhir.PsychCodeApplication");
    command.add("--server.port=" + port);
    command.add("--psychcode.validation.warm-up=off");
    command.add("--psychcode.validation.idle-warm-up-millis=0");
    command.add("--psychcode.terminology.warm-up-millis=0");
    command.addAll(arguments);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServerProcess server = new ServerProcess(p, port, log);
    server.awaitReady(Duration.ofMinutes(3));
    return server;
  }

  private void awaitReady(Duration limit) throws IOException, InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the server process ended with " + process.exitValue() + " before it was ready; see " + log);
      }
      try {
        HttpResponse<Void> r =
            HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/metadata")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    process.destroyForcibly();
    throw new IllegalStateException("the server process was not ready within " + limit + "; see " + log);
  }

  public String base() {
    return "http://127.0.0.1:" + port + "/fhir";
  }

  public Path log() {
    return log;
  }

  /** {@code kill -9}: SIGKILL (the JDK's destroyForcibly on Unix), then waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** A normal stop (SIGTERM: Spring closes the pool and the database). */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      kill();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
