package glow.app;

import com.fasterxml.jackson.databind.JsonNode;
import glow.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * The CLI's side of a node's API: JSON requests and line streams over java.net.http, with the
 * exit-code rules of the API commands; one per command run. A failure is an {@link Failed} that
 * carries its exit code: 1 when the API answered with an error, 2 when the node is unreachable or
 * the URL is unusable.
 */
final class ApiClient {
  /** Why a command stops, with what to print and the exit code. */
  static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    Failed(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  ApiClient(ApiOptions o) {
    this.base = o.api.endsWith("/") ? o.api.substring(0, o.api.length() - 1) : o.api;
    this.token = o.token();
  }

  JsonNode get(String path) throws Failed {
    return json(send(request(path).GET().build()));
  }

  JsonNode post(String path) throws Failed {
    return json(send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build()));
  }

  /** Reads a JSON-lines response line by line until it ends (or forever, for a follow). */
  void lines(String path, Consumer<JsonNode> each) throws Failed {
    HttpRequest r = request(path).timeout(Duration.ofDays(365)).header("Accept", "application/x-ndjson").GET().build();
    HttpResponse<InputStream> res = call(r, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
      if (res.statusCode() >= 300) {
        StringBuilder body = new StringBuilder();
        for (String l; (l = in.readLine()) != null; ) body.append(l);
        throw failure(res.statusCode(), body.toString());
      }
      for (String l; (l = in.readLine()) != null; ) {
        if (!l.isBlank()) each.accept(Json.MAPPER.readTree(l));
      }
    } catch (IOException e) {
      throw new Failed(CommandLine.ExitCode.USAGE, "glow: lost the connection to " + base + " (" + e.getMessage() + ")");
    }
  }

  private HttpRequest.Builder request(String path) throws Failed {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
          .header("Accept", "application/json");
      if (token != null) b.header("Authorization", "Bearer " + token);
      return b;
    } catch (IllegalArgumentException e) {
      throw new Failed(CommandLine.ExitCode.USAGE, "glow: --api " + base + " is not a URL (e.g. http://127.0.0.1:7700)");
    }
  }

  private HttpResponse<String> send(HttpRequest r) throws Failed {
    return call(r, HttpResponse.BodyHandlers.ofString());
  }

  private <T> HttpResponse<T> call(HttpRequest r, HttpResponse.BodyHandler<T> handler) throws Failed {
    try {
      return http.send(r, handler);
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new Failed(CommandLine.ExitCode.USAGE, "glow: no Glow node answers at " + base
          + " (is a node running there? give its API with --api URL)");
    } catch (IOException e) {
      throw new Failed(CommandLine.ExitCode.USAGE, "glow: cannot talk to " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed(CommandLine.ExitCode.SOFTWARE, "glow: interrupted");
    }
  }

  private JsonNode json(HttpResponse<String> res) throws Failed {
    if (res.statusCode() >= 300) throw failure(res.statusCode(), res.body());
    try {
      return Json.MAPPER.readTree(res.body());
    } catch (IOException e) {
      throw new Failed(CommandLine.ExitCode.SOFTWARE, "glow: " + base + " answered with something that is not JSON: "
          + abbreviate(res.body()));
    }
  }

  private Failed failure(int status, String body) {
    String message = abbreviate(body);
    try {
      JsonNode e = Json.MAPPER.readTree(body);
      if (e.hasNonNull("error")) message = e.get("error").asText() + (e.hasNonNull("hint") ? "\n  hint: " + e.get("hint").asText() : "");
    } catch (IOException notJson) {
      // keep the raw text
    }
    return new Failed(CommandLine.ExitCode.SOFTWARE, "glow: the API answered " + status + ": " + message);
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** Runs a command body, printing a failure and turning it into its exit code. */
  static int run(CommandLine.Model.CommandSpec spec, Body body) {
    try {
      body.run();
      spec.commandLine().getOut().flush();
      return CommandLine.ExitCode.OK;
    } catch (Failed f) {
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().println(f.getMessage());
      spec.commandLine().getErr().flush();
      return f.exitCode;
    }
  }

  @FunctionalInterface
  interface Body {
    void run() throws Failed;
  }
}
