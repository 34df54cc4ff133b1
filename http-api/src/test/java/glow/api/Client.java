package glow.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A plain HTTP client for API tests, with a line reader for streams (SSE, JSON lines); one per test class. */
final class Client {
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Reply(int status, String contentType, String body) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  Reply get(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
  }

  Reply post(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) b.header("Authorization", "Bearer " + token);
    return send(b.build());
  }

  Reply send(HttpRequest r) throws Exception {
    HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
    return new Reply(res.statusCode(), res.headers().firstValue("Content-Type").orElse(""), res.body());
  }

  /** An open stream read line by line on its own thread; close it to disconnect. */
  static final class Lines implements AutoCloseable {
    final int status;
    final String contentType;
    private final InputStream in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Lines(HttpResponse<InputStream> res) {
      this.status = res.statusCode();
      this.contentType = res.headers().firstValue("Content-Type").orElse("");
      this.in = res.body();
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) lines.add(l);
        } catch (IOException closed) {
          // closed by the test
        }
      }, "test-stream-reader");
      t.setDaemon(true);
      t.start();
    }

    /** The first line matching within the timeout; fails the test otherwise. */
    String await(Predicate<String> match, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      StringBuilder seen = new StringBuilder();
      while (true) {
        long left = deadline - System.nanoTime();
        String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
        if (l == null) throw new AssertionError("no matching line within " + timeout + "; last lines:\n" + tail(seen));
        if (match.test(l)) return l;
        seen.append(l).append('\n');
      }
    }

    private static String tail(StringBuilder s) {
      return s.length() > 3000 ? s.substring(s.length() - 3000) : s.toString();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  Lines stream(String url, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (accept != null) b.header("Accept", accept);
    return new Lines(http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
  }
}
