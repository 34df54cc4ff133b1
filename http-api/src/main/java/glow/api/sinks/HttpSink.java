package glow.api.sinks;

import glow.actors.logs.LogLine;
import glow.api.Json;
import glow.api.logs.LogEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * POSTs batches of lines as JSON lines ({@code application/x-ndjson}, one {@link LogEntry} per
 * line) to a URL; a batch is delivered when the server answers 2xx, and retried otherwise; one
 * per configured sink.
 */
final class HttpSink extends BufferedSink {
  private final URI url;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final HttpClient http;

  HttpSink(String name, Tuning tuning, URI url, Map<String, String> headers, Duration timeout) {
    super(name, "http", tuning);
    this.url = url;
    this.headers = Map.copyOf(headers);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  void send(List<LogLine> batch) throws IOException {
    StringBuilder body = new StringBuilder();
    for (LogLine l : batch) body.append(Json.write(LogEntry.of(l))).append('\n');
    HttpRequest.Builder r = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    headers.forEach(r::header);
    HttpResponse<Void> res;
    try {
      res = http.send(r.build(), HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (res.statusCode() / 100 != 2) throw new IOException(url + " answered " + res.statusCode());
  }
}
